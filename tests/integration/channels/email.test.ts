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
});
