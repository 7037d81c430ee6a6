import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ChannelError, ChannelErrorCode } from '../errors';

/**
 * WeChat / WeCom callback XML: a flat `<xml>` of elements (CDATA or text). Parsed
 * with fast-xml-parser, after refusing DOCTYPE/ENTITY declarations outright (no
 * entity expansion, no external references) and validating well-formedness.
 */
const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, processEntities: false, htmlEntities: false, trimValues: true, ignoreDeclaration: true, ignorePiTags: true });

export function parseWxXml(xml: string): Record<string, string> {
  if (xml.length === 0) throw new ChannelError(ChannelErrorCode.malformed, 'Empty body');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new ChannelError(ChannelErrorCode.malformed, 'DOCTYPE/ENTITY declarations are not accepted');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new ChannelError(ChannelErrorCode.malformed, `Malformed XML: ${valid.err.msg.slice(0, 120)}`);
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch (e) {
    throw new ChannelError(ChannelErrorCode.malformed, `Malformed XML: ${(e as Error).message.slice(0, 120)}`);
  }
  const root = (doc as { xml?: unknown } | null)?.xml;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new ChannelError(ChannelErrorCode.badPayload, 'Expected an <xml> root element');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
    else if (Array.isArray(v) && (typeof v[0] === 'string' || typeof v[0] === 'number')) out[k] = String(v[0]);
  }
  return out;
}

export interface WxInbound {
  toUser: string;
  fromUser: string;
  createTime: number;
  msgType: string;
  msgId: string | null;
  content: string | null;
  picUrl: string | null;
  mediaId: string | null;
  recognition: string | null;
  event: string | null;
  eventKey: string | null;
  agentId: string | null;
  label: string | null;
  title: string | null;
  url: string | null;
}

export function normalizeWx(f: Record<string, string>): WxInbound {
  const need = (k: string) => {
    const v = f[k];
    if (!v) throw new ChannelError(ChannelErrorCode.badPayload, `Missing <${k}>`);
    return v;
  };
  const createTime = Number(need('CreateTime'));
  if (!Number.isFinite(createTime)) throw new ChannelError(ChannelErrorCode.badPayload, 'Bad <CreateTime>');
  const opt = (k: string) => (f[k] === undefined || f[k] === '' ? null : f[k]!);
  return {
    toUser: need('ToUserName'),
    fromUser: need('FromUserName'),
    createTime,
    msgType: need('MsgType').toLowerCase(),
    msgId: opt('MsgId') ?? opt('MsgID'),
    content: opt('Content'),
    picUrl: opt('PicUrl'),
    mediaId: opt('MediaId'),
    recognition: opt('Recognition'),
    event: opt('Event')?.toLowerCase() ?? null,
    eventKey: opt('EventKey'),
    agentId: opt('AgentID'),
    label: opt('Label'),
    title: opt('Title'),
    url: opt('Url'),
  };
}

/** WeChat retries a callback up to 3 times: messages repeat their MsgId; events repeat FromUserName + CreateTime. */
export function wxDedupeKey(m: WxInbound): string {
  return m.msgId ? `msg:${m.msgId}` : `evt:${m.fromUser}:${m.createTime}:${m.event ?? m.msgType}:${m.eventKey ?? ''}`;
}

export interface WxMeaning {
  message: { body: string; contentType: string } | null;
  /** Only write the message into an existing conversation (unsubscribe notices). */
  onlyExisting?: boolean;
  consent?: 'granted' | 'withdrawn';
  department?: string | null;
}

/** What a callback means for the inbox. Unknown kinds are kept (raw) but create nothing. */
export function meaningOf(m: WxInbound, menuDepartments: Readonly<Record<string, string>> = {}): WxMeaning {
  switch (m.msgType) {
    case 'text':
      return { message: { body: m.content ?? '', contentType: 'text' } };
    case 'image':
      return { message: { body: `[图片] ${m.picUrl ?? ''}`.trim(), contentType: 'image' } };
    case 'voice':
      return { message: m.recognition ? { body: `[语音] ${m.recognition}`, contentType: 'voice' } : { body: '[语音消息，未识别文字]', contentType: 'voice' } };
    case 'video':
    case 'shortvideo':
      return { message: { body: '[视频]', contentType: 'video' } };
    case 'location':
      return { message: { body: `[位置] ${m.label ?? ''}`.trim(), contentType: 'location' } };
    case 'link':
      return { message: { body: `[链接] ${m.title ?? ''} ${m.url ?? ''}`.trim(), contentType: 'link' } };
    case 'event':
      switch (m.event) {
        case 'subscribe':
          return { message: null, consent: 'granted' };
        case 'unsubscribe':
          return { message: { body: '[已取消关注，无法再通过微信联系]', contentType: 'event' }, onlyExisting: true, consent: 'withdrawn' };
        case 'click':
          return { message: { body: `[菜单] ${m.eventKey ?? ''}`.trim(), contentType: 'event' }, department: m.eventKey ? (menuDepartments[m.eventKey] ?? null) : null };
        default:
          return { message: null };
      }
    default:
      return { message: null };
  }
}
