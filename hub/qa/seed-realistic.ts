/**
 * A realistic, generated clinic history for demos and the supervisor tests: ten
 * weeks of conversations across both demo teams with varied sentiment (complaints,
 * anxious parents, thanks), red flags handled well and badly, compliance slips,
 * long waits, transfers, a recall, bot hand-offs, silent patients, returning
 * patients, a 头晕 (dizziness) surge in the last day, and CSAT/NPS answers.
 * Deterministic for a seed. Runs on top of the demo seed (uses its teams and users).
 */
import { ulid } from 'ulid';
import type { Channel, ConversationStatus, Priority } from '../../shared/domain/types';
import { DAY_MS, HOUR_MS, MINUTE_MS, fnv1a } from '../../shared/supervisor';
import { appendAudit } from '../audit/audit';
import { hashPassword } from '../auth/passwords';
import type { HubStore } from '../store/store';
import type { ConversationRow, MessageRow } from '../store/types';
import type { SurveyRecordRow } from '../store/qa';
import { emitContactSnapshot, emitConversationSnapshot, emitUser, putConversation, type ChangeMeta } from '../sync/changes';
import { PREVIEW_CHARS } from '../sync/mutations/message';

type Who = 'p' | 'a' | 'bot';
interface Line {
  who: Who;
  text: string;
  /** Minutes after the previous line: [min, max]. */
  after: [number, number];
}
interface Scenario {
  key: string;
  teams: ('t-outpatient' | 't-chronic')[];
  channels: Channel[];
  priority: Priority;
  lines: Line[];
  /** Resolved when old enough. */
  resolve: boolean;
  /** CSAT tendency 1–5. */
  csat: [number, number];
  subject: string;
}

const p = (text: string, after: [number, number] = [1, 3]): Line => ({ who: 'p', text, after });
const a = (text: string, after: [number, number] = [2, 14]): Line => ({ who: 'a', text, after });

const SCENARIOS: Scenario[] = [
  { key: 'appt', teams: ['t-outpatient'], channels: ['webchat', 'wechat'], priority: 'normal', resolve: true, csat: [4, 5], subject: '预约改期', lines: [p('你好，我想把周四的门诊改到下周一，可以吗？', [0, 0]), a('您好，可以的，已为您改到下周一上午9:30，请按时就诊。'), p('好的，谢谢！')] },
  { key: 'report', teams: ['t-outpatient'], channels: ['wechat', 'sms', 'email'], priority: 'normal', resolve: true, csat: [4, 5], subject: '报告查询', lines: [p('请问我上周的抽血报告出来了吗？', [0, 0]), a('您好，报告已出，可在公众号“报告查询”里查看，复诊时请带上。'), p('找到了，谢谢')] },
  { key: 'complaint', teams: ['t-outpatient'], channels: ['webchat', 'wechat'], priority: 'high', resolve: true, csat: [1, 3], subject: '候诊投诉', lines: [p('排队等了两个小时还没看上，太差劲了！！', [0, 0]), a('非常抱歉让您久等了，我们理解您的心情，马上帮您联系分诊台。', [18, 40]), p('好吧，希望快点，真的很失望')] },
  { key: 'dizzy_bp', teams: ['t-chronic'], channels: ['wechat', 'wecom'], priority: 'high', resolve: true, csat: [3, 5], subject: '头晕 血压高', lines: [p('这两天一直头晕，血压160/100，是不是药不管用了？有点担心', [0, 0]), a('您好，请先坐下休息，15分钟后复测血压并把数值发给我们，用药调整需要医生评估，我们帮您约心内科。'), p('刚量了150/95，还是有点头晕', [15, 25]), a('收到，已为您预约下午2点心内科；如出现胸痛、说话不清请立即拨打120。', [2, 8])] },
  { key: 'dizzy', teams: ['t-outpatient', 't-chronic'], channels: ['webchat', 'wechat', 'sms'], priority: 'normal', resolve: true, csat: [3, 5], subject: '头晕', lines: [p('早上起来头晕得厉害，站起来眼前发黑，有点害怕', [0, 0]), a('您好，请先坐下或躺下休息，注意防跌倒；如伴有胸痛、一侧肢体无力或说话不清，请立即拨打120。'), p('躺了一会儿好点了，谢谢')] },
  { key: 'glucose_high', teams: ['t-chronic'], channels: ['wechat', 'wecom', 'sms'], priority: 'normal', resolve: true, csat: [4, 5], subject: '血糖偏高', lines: [p('血糖一直降不下来，空腹12点多，好担心', [0, 0]), a('您好，别担心，请记录近三天的血糖和饮食，我们已通知主管医生，明天给您回电。'), p('好的，谢谢护士')] },
  { key: 'chest_pain_good', teams: ['t-outpatient'], channels: ['phone', 'wechat'], priority: 'urgent', resolve: true, csat: [4, 5], subject: '胸痛', lines: [p('我爸爸胸口疼得厉害，一直出冷汗', [0, 0]), a('请立即拨打120或马上前往最近的急诊，不要自行驾车，我们已通知值班医生。', [1, 2]), p('已经叫救护车了，谢谢')] },
  { key: 'chest_tight_bad', teams: ['t-chronic'], channels: ['wechat'], priority: 'high', resolve: true, csat: [2, 3], subject: '胸闷', lines: [p('胸闷，喘不上气，怎么办', [0, 0]), a('您好，可能是最近天气变化，多休息观察一下。', [6, 20]), p('还是难受'), a('建议您明天来门诊看看。', [10, 30])] },
  { key: 'med_overstep', teams: ['t-chronic', 't-outpatient'], channels: ['wechat', 'sms'], priority: 'normal', resolve: true, csat: [3, 4], subject: '用药咨询', lines: [p('二甲双胍一天吃几片？我忘了医生怎么说的', [0, 0]), a('你这是糖尿病，每天吃3片就行。'), p('好的')] },
  { key: 'praise', teams: ['t-outpatient', 't-chronic'], channels: ['wechat', 'webchat'], priority: 'low', resolve: true, csat: [5, 5], subject: '表扬', lines: [p('昨天护士很耐心，非常感谢你们！👍', [0, 0]), a('谢谢您的肯定，祝您早日康复！')] },
  { key: 'insurance', teams: ['t-outpatient'], channels: ['phone', 'sms', 'webchat'], priority: 'low', resolve: true, csat: [3, 5], subject: '医保报销', lines: [p('医保异地就医怎么报销？', [0, 0]), a('您好，需先在医保App备案，再持医保卡就诊结算，具体以本院最新公告为准。'), p('明白了')] },
  { key: 'fever_child', teams: ['t-outpatient'], channels: ['wechat'], priority: 'urgent', resolve: true, csat: [3, 5], subject: '儿童发热', lines: [p('孩子发烧39度，吃了退烧药也不退，急死了怎么办！！', [0, 0]), a('您好，请不要着急，如孩子精神差、抽搐或持续高热，请立即前往儿科急诊。', [1, 4]), p('好的，马上去医院')] },
  { key: 'wound', teams: ['t-outpatient', 't-chronic'], channels: ['webchat', 'wechat'], priority: 'normal', resolve: true, csat: [4, 5], subject: '术后伤口', lines: [p('手术后伤口有点红肿渗液，正常吗？', [0, 0]), a('您好，请拍一张伤口照片发给我们，我们请主管医生看一下，如发热或渗液变浑浊请及时来院。'), p('照片发了，谢谢', [20, 60])] },
  { key: 'refill', teams: ['t-chronic'], channels: ['sms', 'wecom'], priority: 'low', resolve: true, csat: [4, 5], subject: '续方', lines: [p('降压药快吃完了，怎么开药？', [0, 0]), a('您好，可在互联网医院申请续方，或预约慢病门诊。'), p('好的')] },
  { key: 'no_reply', teams: ['t-outpatient'], channels: ['webchat', 'wechat'], priority: 'normal', resolve: true, csat: [1, 2], subject: '无人回复', lines: [p('请问今天下午还能挂号吗', [0, 0]), p('怎么一直没人回复？？？', [20, 30]), a('抱歉久等了，今天下午号源已满，可预约明天上午。', [60, 100]), p('算了，太失望了')] },
];

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗', '郑', '梁', '谢', '宋', '唐'];
const GIVEN = ['秀英', '建国', '丽华', '志强', '婷', '磊', '芳', '敏', '静', '伟', '军', '洋', '娜', '桂兰', '玉兰', '海燕', '晓东', '明', '红梅', '德华', '淑珍', '国庆', '佳怡', '子涵'];
const CONDITIONS: Record<string, string[]> = { 't-chronic': ['2型糖尿病', '高血压', '冠心病'], 't-outpatient': [] };

export const REALISTIC_STAFF = [
  { id: 'u-agent3', username: 'agent3', password: 'agent3-demo', displayName: '客服 小陈', role: 'agent' as const, teams: ['t-outpatient'] },
  { id: 'u-nurse2', username: 'nurse2', password: 'nurse2-demo', displayName: '护士 王芳', role: 'nurse' as const, teams: ['t-chronic'] },
];
const STAFF: Record<string, { id: string; name: string }[]> = {
  't-outpatient': [
    { id: 'u-agent', name: '客服 小林' },
    { id: 'u-agent2', name: '客服 小周' },
    { id: 'u-agent3', name: '客服 小陈' },
  ],
  't-chronic': [
    { id: 'u-nurse', name: '护士 陈静' },
    { id: 'u-nurse2', name: '护士 王芳' },
  ],
};

function rng(seed: string): () => number {
  let s = fnv1a(seed) || 1;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RealisticOptions {
  now: number;
  seed?: string;
  /** Conversations spread over the past weeks (besides the specials). */
  conversations?: number;
  weeks?: number;
}

export interface RealisticOutcome {
  contacts: number;
  conversations: number;
  messages: number;
  surveys: number;
  /** Ids of notable conversations for tests. */
  special: { surge: string[]; waiting: string[]; silent: string[]; neverWrote: string; transferred: string[]; recalled: string; redFlagBad: string[] };
}

/** Seeds the generated history into a demo hub (call once, after the demo seed). */
export async function seedRealistic(store: HubStore, opts: RealisticOptions): Promise<RealisticOutcome> {
  const rand = rng(opts.seed ?? 'lantern-supervisor');
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const between = (lo: number, hi: number) => lo + rand() * (hi - lo);
  const now = opts.now;
  const weeks = opts.weeks ?? 10;
  const total = opts.conversations ?? 240;
  const hashes = new Map(await Promise.all(REALISTIC_STAFF.map(async (u) => [u.id, await hashPassword(u.password)] as const)));
  const out: RealisticOutcome = { contacts: 0, conversations: 0, messages: 0, surveys: 0, special: { surge: [], waiting: [], silent: [], neverWrote: '', transferred: [], recalled: '', redFlagBad: [] } };

  await store.write(async (tx) => {
    const meta = (at: number): ChangeMeta => ({ at, actorId: null });
    for (const u of REALISTIC_STAFF) {
      if (await tx.getUserById(u.id)) continue;
      await tx.insertUser({ id: u.id, username: u.username, displayName: u.displayName, role: u.role, passwordHash: hashes.get(u.id)!, disabled: false, failedAttempts: 0, lockedUntil: null, createdAt: now - 200 * DAY_MS, updatedAt: now });
      await tx.setTeamMembers(u.id, u.teams);
      await emitUser(tx, u.id, meta(now));
    }

    let contactNo = 0;
    const newContact = async (team: string, channel: Channel, at: number) => {
      const createdAt = Math.round(at);
      const id = `c-gen-${String(++contactNo).padStart(3, '0')}`;
      const name = `${pick(SURNAMES)}${pick(GIVEN)}`;
      const conds = CONDITIONS[team]!;
      await tx.insertContact({
        id,
        displayName: name,
        sex: rand() < 0.55 ? 'female' : 'male',
        birthYear: Math.floor(between(1945, 2000)),
        preferredChannel: channel,
        conditions: conds.length ? [pick(conds)] : [],
        medicines: [],
        allergies: [],
        createdAt,
        updatedAt: createdAt,
      });
      const r = rand();
      await tx.insertIdentity({
        id: `${id}-i0`,
        contactId: id,
        channel,
        externalId: channel === 'sms' || channel === 'phone' ? `+86139${String(10_000_000 + contactNo * 7919).slice(-8)}` : `gen-${channel}-${contactNo}`,
        verified: rand() < 0.85,
        consent: r < 0.9 ? 'granted' : r < 0.97 ? 'unknown' : 'withdrawn',
        consentUpdatedAt: createdAt,
      });
      await emitContactSnapshot(tx, id, meta(createdAt));
      out.contacts++;
      return { id, name };
    };

    let convNo = 0;
    interface Made {
      conv: ConversationRow;
      scenario: Scenario | null;
    }
    const made: Made[] = [];
    /** Writes one conversation from a script starting at t0; `stopAfter` cuts the script (waiting / silent cases). */
    const conversation = async (
      s: Scenario,
      t0: number,
      o: { contact?: { id: string; name: string }; team?: string; assignee?: string | null; stopAfter?: number; status?: ConversationStatus; bot?: 'handoff' | 'only'; recall?: boolean; transferTo?: string } = {},
    ): Promise<ConversationRow> => {
      t0 = Math.round(t0);
      const team = o.team ?? pick(s.teams);
      let channel = pick(s.channels);
      if (o.contact) {
        // A returning patient writes from a channel we know them on, when the scenario allows it.
        const known = (await tx.identitiesOf(o.contact.id)).find((i) => s.channels.includes(i.channel));
        if (known) channel = known.channel;
      }
      // Most patients are registered shortly before they first write (an appointment, a QR code at the ward).
      const contact = o.contact ?? (await newContact(team, channel, t0 - between(0, 1) ** 3 * 30 * DAY_MS));
      const wanted = o.transferTo ?? o.assignee;
      const staff = o.assignee === null ? null : (STAFF[team]!.find((x) => x.id === wanted) ?? pick(STAFF[team]!));
      const id = `v-gen-${String(++convNo).padStart(3, '0')}`;
      const lines = o.stopAfter !== undefined ? s.lines.slice(0, o.stopAfter) : s.lines;
      const msgs: MessageRow[] = [];
      let t = t0;
      const push = (direction: 'inbound' | 'outbound', body: string, at: number, extra: Partial<MessageRow> = {}) => {
        msgs.push({ id: `${id}-m${msgs.length}`, conversationId: id, direction, authorId: null, authorName: direction === 'inbound' ? contact.name : (staff?.name ?? null), body, contentType: 'text', deliveryStatus: direction === 'inbound' ? 'received' : 'delivered', failureReason: null, createdAt: at, acceptedAt: at, mutationId: null, recalledAt: null, ...extra });
      };
      for (const [i, l] of lines.entries()) {
        t += Math.round(between(l.after[0], l.after[1]) * MINUTE_MS) + (i === 0 ? 0 : 20_000);
        if (t > now) t = now - (lines.length - i) * 1000;
        if (l.who === 'p') {
          push('inbound', l.text, t);
          if (i === 0 && o.bot) {
            t += 5_000;
            push('outbound', '您好，我是智能助手。常见问题可回复数字：1 挂号 2 报告 3 医保；转人工请回复“人工”。', t, { authorName: '智能助手', contentType: 'auto_reply', deliveryStatus: 'delivered' });
            if (o.bot === 'handoff') {
              t += 60_000;
              push('inbound', '人工', t);
            }
          }
        } else {
          if (o.bot === 'only') continue;
          push('outbound', l.text, t, { authorId: staff?.id ?? null });
        }
      }
      if (o.recall) {
        const at = t + 30_000;
        push('outbound', '', at, { authorId: staff?.id ?? null, recalledAt: at + 2_000 });
        t = at;
        push('outbound', s.lines.find((l) => l.who === 'a')?.text ?? '您好', t + 60_000, { authorId: staff?.id ?? null });
      }
      const last = msgs[msgs.length - 1];
      const lastVisible = [...msgs].reverse().find((m) => m.recalledAt === null);
      const conv: ConversationRow = {
        id,
        contactId: contact.id,
        channel,
        subject: s.subject,
        status: 'open',
        priority: s.priority,
        assigneeId: staff?.id ?? null,
        teamId: team,
        tags: o.bot === 'handoff' ? ['转人工'] : [],
        unreadCount: last?.direction === 'inbound' ? 1 : 0,
        lastMessageAt: last?.createdAt ?? t0,
        lastMessagePreview: lastVisible?.body.slice(0, PREVIEW_CHARS) ?? '',
        createdAt: t0,
        updatedAt: last?.createdAt ?? t0,
      };
      // The first staff member who answered before a transfer.
      const firstStaff = o.transferTo ? STAFF[team]!.find((x) => x.id !== o.transferTo)! : null;
      if (firstStaff) conv.assigneeId = firstStaff.id;
      await tx.insertConversation(conv);
      for (const m of msgs) {
        if (firstStaff && m.direction === 'outbound' && m.authorId && m.createdAt < t0 + 10 * MINUTE_MS) {
          m.authorId = firstStaff.id;
          m.authorName = firstStaff.name;
        }
        await tx.insertMessage(m);
      }
      await emitConversationSnapshot(tx, id, meta(t0));
      out.messages += msgs.length;
      if (o.transferTo) {
        const at = t0 + 10 * MINUTE_MS;
        const to = STAFF[team]!.find((x) => x.id === o.transferTo)!;
        await tx.updateConversation(id, { assigneeId: to.id, updatedAt: Math.max(conv.updatedAt, at) });
        conv.assigneeId = to.id;
        await putConversation(tx, conv, { at, actorId: firstStaff!.id }, { assigneeId: firstStaff!.id });
        out.special.transferred.push(id);
      }
      // Finished conversations get resolved (the patient's thanks, then the agent closes it).
      const status = o.status ?? (s.resolve && (last?.createdAt ?? t0) < now - 45 * MINUTE_MS ? 'resolved' : 'open');
      if (status !== 'open') {
        const at = Math.min(now - MINUTE_MS, (last?.createdAt ?? t0) + Math.round(between(3, 30) * MINUTE_MS));
        await tx.updateConversation(id, { status, unreadCount: 0, updatedAt: at });
        conv.status = status;
        conv.unreadCount = 0;
        conv.updatedAt = at;
        await putConversation(tx, conv, { at, actorId: conv.assigneeId }, { status: 'open' });
      }
      made.push({ conv, scenario: s });
      out.conversations++;
      return conv;
    };

    const byKey = (k: string) => SCENARIOS.find((s) => s.key === k)!;
    // 1. The past weeks: a steady mix; 头晕 stays around one conversation a week.
    const regular = SCENARIOS.filter((s) => s.key !== 'dizzy' && s.key !== 'dizzy_bp');
    const returning: { id: string; name: string }[] = [];
    // Patients of each team who wrote before: about a third of conversations are theirs again.
    const pool: Record<string, { id: string; name: string }[]> = { 't-outpatient': [], 't-chronic': [] };
    const ages = Array.from({ length: total }, () => (1 + rand() * (weeks * 7 - 1)) * DAY_MS).sort((x, y) => y - x);
    for (const [i, age] of ages.entries()) {
      const t0 = now - age;
      const s = i % 17 === 0 ? byKey(pick(['dizzy', 'dizzy_bp'])) : pick(regular);
      const o: Parameters<typeof conversation>[2] = { team: pick(s.teams) };
      if (i % 23 === 5) o.transferTo = pick(['u-agent2', 'u-nurse2']);
      if (o.transferTo && !s.teams.includes(o.transferTo === 'u-agent2' ? 't-outpatient' : 't-chronic')) delete o.transferTo;
      if (o.transferTo) o.team = o.transferTo === 'u-agent2' ? 't-outpatient' : 't-chronic';
      const known = pool[o.team!]!;
      if (known.length > 5 && rand() < 0.33) o.contact = pick(known.slice(-40));
      const c = await conversation(s, t0, o);
      if (!o.contact) {
        const row = await tx.getContact(c.contactId);
        known.push({ id: c.contactId, name: row!.displayName });
        if (age > 45 * DAY_MS && returning.length < 6) returning.push({ id: c.contactId, name: row!.displayName });
      }
    }
    // 2. Patients coming back after a long silence (the lifecycle's "returned").
    for (const c of returning.slice(0, 4)) await conversation(byKey(pick(['report', 'appt', 'refill'])), now - between(8, 20) * DAY_MS, { contact: c });
    // 3. A 头晕 surge: several in the last 24 h, a couple earlier this week.
    for (let i = 0; i < 6; i++) {
      const c = await conversation(byKey(i % 3 === 0 ? 'dizzy_bp' : 'dizzy'), now - between(0.5, 20) * HOUR_MS, { status: 'open', stopAfter: 2 });
      out.special.surge.push(c.id);
    }
    for (let i = 0; i < 2; i++) await conversation(byKey('dizzy'), now - between(2.5, 5) * DAY_MS);
    // 4. Red flags answered without the script, in the last hours (this week's QA queue flags them).
    for (let i = 0; i < 2; i++) out.special.redFlagBad.push((await conversation(byKey('chest_tight_bad'), now - between(1, 3) * HOUR_MS)).id);
    // 5. Patients waiting right now (some unassigned: the queue), with waits across the SLA.
    for (const [i, mins] of [3, 9, 22, 38, 55, 7, 14].entries()) {
      const s = byKey(['complaint', 'no_reply', 'glucose_high', 'refill', 'wound', 'fever_child', 'med_overstep'][i]!);
      const c = await conversation(s, now - mins * MINUTE_MS, { stopAfter: 1, assignee: i % 2 === 0 ? null : undefined, status: 'open' });
      out.special.waiting.push(c.id);
    }
    // 6. Bot hand-offs today (4 of 6 handed to a person).
    // Two handed over and answered, two handed over and waiting, two the bot settled alone.
    for (let i = 0; i < 6; i++) {
      const s = byKey(['appt', 'report', 'refill'][i % 3]!);
      if (i < 2) await conversation(s, now - between(1, 6) * HOUR_MS, { bot: 'handoff', stopAfter: 2, status: 'open' });
      else if (i < 4) await conversation(s, now - between(6, 25) * MINUTE_MS, { bot: 'handoff', stopAfter: 1, status: 'open' });
      else await conversation(s, now - between(2, 20) * HOUR_MS, { bot: 'only', status: 'resolved' });
    }
    // 7. Silence: we asked, the patient went quiet; and a chat opened but never written in.
    for (let i = 0; i < 2; i++) out.special.silent.push((await conversation(byKey('wound'), now - between(9, 12) * DAY_MS, { stopAfter: 2, status: i ? 'pending' : 'open' })).id);
    {
      const contact = await newContact('t-outpatient', 'webchat', now - 5 * DAY_MS);
      const id = `v-gen-${String(++convNo).padStart(3, '0')}`;
      const conv: ConversationRow = { id, contactId: contact.id, channel: 'webchat', subject: '网页咨询', status: 'open', priority: 'normal', assigneeId: null, teamId: 't-outpatient', tags: [], unreadCount: 0, lastMessageAt: now - 4 * DAY_MS, lastMessagePreview: '', createdAt: now - 4 * DAY_MS, updatedAt: now - 4 * DAY_MS };
      await tx.insertConversation(conv);
      await emitConversationSnapshot(tx, id, meta(conv.createdAt));
      out.special.neverWrote = id;
      out.conversations++;
    }
    // 8. A recalled reply.
    out.special.recalled = (await conversation(byKey('report'), now - 10 * DAY_MS, { recall: true })).id;
    // 9. Registered patients who never wrote.
    for (let i = 0; i < 6; i++) await newContact(pick(['t-outpatient', 't-chronic']), 'wechat', now - between(5, 60) * DAY_MS);

    // 10. Surveys for resolved conversations (CSAT at resolution, NPS 48 h later for about half).
    const identities = await tx.identitiesOfContacts(made.map((m) => m.conv.contactId));
    for (const { conv, scenario } of made) {
      if (conv.status !== 'resolved' || !scenario) continue;
      const ident = identities.find((i) => i.contactId === conv.contactId && i.channel === conv.channel);
      if (!ident || ident.consent !== 'granted' || conv.channel === 'phone' || conv.channel === 'device' || conv.channel === 'email') continue;
      const resolvedAt = conv.updatedAt;
      const rec = (kind: 'csat' | 'nps', score: number | null, at: number): SurveyRecordRow => ({
        id: ulid(at),
        kind,
        conversationId: conv.id,
        contactId: conv.contactId,
        channel: conv.channel,
        agentId: conv.assigneeId,
        teamId: conv.teamId,
        resolvedAt,
        dueAt: at,
        status: score === null ? 'sent' : 'answered',
        reason: null,
        attempts: 1,
        sentAt: at,
        score,
        comment: null,
        answeredAt: score === null ? null : at + 10 * MINUTE_MS,
        createdAt: at,
        updatedAt: at,
      });
      const [lo, hi] = scenario.csat;
      await tx.insertSurveyRecord(rec('csat', rand() < 0.7 ? Math.round(between(lo, hi)) : null, resolvedAt + MINUTE_MS));
      out.surveys++;
      if (rand() < 0.5 && resolvedAt + 48 * HOUR_MS < now) {
        const base = (lo + hi) / 2;
        const nps = Math.max(0, Math.min(10, Math.round(base * 2 + between(-2, 1.5))));
        await tx.insertSurveyRecord(rec('nps', rand() < 0.6 ? nps : null, resolvedAt + 48 * HOUR_MS));
        out.surveys++;
      }
    }
    await appendAudit(tx, { at: now, userId: null, workstationId: null, action: 'demo.seed_realistic', objectType: 'hub', objectId: store.hubId, outcome: 'ok', detail: { contacts: out.contacts, conversations: out.conversations } });
  });
  return out;
}
