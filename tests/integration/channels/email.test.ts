import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { rig, type Rig } from './support';

describe('e-mail (nodemailer client → SMTP listener) → replica; reply → SMTP sink with threading headers', () => {
  let r: Rig;
  const mails: ParsedMail[] = [];
  let sink: SMTPServer;
  beforeAll(async () => {
    sink = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, onData: (s, _x, cb) => void simpleParser(s).then((m) => (mails.push(m), cb()), cb) });
    await new Promise<void>((res) => sink.listen(0, '127.0.0.1', res));
    const a = sink.server.address();
    const port = typeof a === 'object' && a ? a.port : 0;
    r = await rig({ config: { channels: { email: { enabled: true, listen: { port: 0, host: '127.0.0.1' }, inboundAddresses: ['clinic@hospital.example'], domain: 'hub.hospital.example', teamId: 't-outpatient', outbound: { host: '127.0.0.1', port, ignoreTLS: true, from: 'clinic@hospital.example' } } }, routing: { agents: { 'u-agent': { capacity: 50 } } } } });
  });
  afterAll(async () => {
    await r.close();
    await new Promise<void>((res) => sink.close(() => res()));
  });

  it('threads a mail and its reply', async () => {
    const client = nodemailer.createTransport({ host: '127.0.0.1', port: r.hub.channels.email!.port, secure: false, ignoreTLS: true });
    await client.sendMail({ from: '李女士 <li.patient@example.cn>', to: 'clinic@hospital.example', subject: '体检报告解读', text: '您好，我的体检报告显示甘油三酯偏高，需要复查吗？', messageId: '<m1@example.cn>' });
    client.close();
    await expect.poll(() => r.q("SELECT conversation_id FROM messages WHERE content_type = 'email'"), { timeout: 10_000 }).toHaveLength(1);
    const convId = r.q<{ conversation_id: string }>("SELECT conversation_id FROM messages WHERE content_type = 'email'")[0]!.conversation_id;
    expect(r.q('SELECT subject, channel FROM conversations WHERE id = ?', convId)).toEqual([{ subject: '体检报告解读', channel: 'email' }]);
    const reply = await r.client.messages.queueReply({ conversationId: convId, body: '建议一个月后空腹复查血脂。' });
    if (!reply.ok) throw new Error(reply.error.code);
    await r.settle();
    await expect.poll(() => mails.length, { timeout: 15_000 }).toBe(1);
    expect(mails[0]).toMatchObject({ subject: 'Re: 体检报告解读', inReplyTo: '<m1@example.cn>', references: '<m1@example.cn>', messageId: `<${reply.value.id}@hub.hospital.example>` });
    expect(mails[0]!.text?.trim()).toBe('建议一个月后空腹复查血脂。');
    await expect.poll(() => r.q<{ delivery_status: string }>('SELECT delivery_status FROM messages WHERE id = ?', reply.value.id)[0]?.delivery_status, { timeout: 10_000 }).toBe('sent');
  });

  it('gives the agent’s replica the files of an incoming mail, opened from the hub on demand', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    const client = nodemailer.createTransport({ host: '127.0.0.1', port: r.hub.channels.email!.port, secure: false, ignoreTLS: true });
    await client.sendMail({ from: 'wang.patient@example.cn', to: 'clinic@hospital.example', subject: '化验单', text: '化验单照片在附件里。', messageId: '<m2@example.cn>', attachments: [{ filename: '化验单.png', content: png, contentType: 'image/png' }] });
    client.close();
    type Row = { id: string; filename: string; mime: string; local: number; message_id: string };
    await expect.poll(() => r.q<Row>('SELECT a.id, a.filename, a.mime, a.data IS NOT NULL AS local, a.message_id FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.body LIKE ?', '%化验单照片%'), { timeout: 10_000 }).toHaveLength(1);
    const [row] = r.q<Row>('SELECT a.id, a.filename, a.mime, a.data IS NOT NULL AS local, a.message_id FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.body LIKE ?', '%化验单照片%');
    expect([row!.filename, row!.mime, row!.local]).toEqual(['化验单.png', 'image/png', 0]);
    const opened = await r.client.attachments.open({ id: row!.id });
    expect(opened.ok && Buffer.from(opened.value.dataBase64, 'base64').equals(png)).toBe(true);
  });

  it('sends the files of a reply as MIME attachments, byte for byte', async () => {
    const convId = r.q<{ id: string }>("SELECT id FROM conversations WHERE channel = 'email' AND subject = '体检报告解读'")[0]!.id;
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const staged = await r.client.attachments.stage({ conversationId: convId, filename: '复查须知.pdf', dataBase64: pdf.toString('base64') });
    if (!staged.ok) throw new Error(staged.error.code);
    const before = mails.length;
    const reply = await r.client.messages.queueReply({ conversationId: convId, body: '复查须知见附件。', attachmentIds: [staged.value.id] });
    if (!reply.ok) throw new Error(reply.error.code);
    await r.settle();
    await expect.poll(() => mails.length, { timeout: 15_000 }).toBe(before + 1);
    const mail = mails.at(-1)!;
    expect(mail.text?.trim()).toBe('复查须知见附件。');
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.content.equals(pdf)])).toEqual([['复查须知.pdf', 'application/pdf', true]]);
  });
});
