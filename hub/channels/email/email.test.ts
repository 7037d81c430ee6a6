import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer, { type Transporter } from 'nodemailer';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { newId, startHub, type TestClient, type TestHub } from '../../testing/harness';
import { refsOf } from './adapter';

/** A local SMTP sink standing in for the hospital's outbound relay. */
async function sink() {
  const mails: ParsedMail[] = [];
  let refuse: number | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _s, cb) {
      if (refuse) {
        stream.resume();
        const code = refuse;
        stream.on('end', () => cb(Object.assign(new Error('refused'), { responseCode: code })));
        return;
      }
      simpleParser(stream).then(
        (m) => {
          mails.push(m);
          cb();
        },
        (e: Error) => cb(e),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.server.address();
  return { server, mails, port: typeof a === 'object' && a ? a.port : 0, setRefuse: (c: number | null) => (refuse = c), close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('e-mail channel: SMTP listener in, nodemailer out, threading by Message-ID', () => {
  let t: TestHub;
  let out: Awaited<ReturnType<typeof sink>>;
  let agent: TestClient;
  let client: Transporter;

  beforeAll(async () => {
    out = await sink();
    t = await startHub({
      config: {
        channels: {
          email: { enabled: true, listen: { port: 0, host: '127.0.0.1' }, inboundAddresses: ['service@hospital.example'], domain: 'hub.hospital.example', maxMessageBytes: 200_000, maxAttachmentBytes: 1000, teamId: 't-outpatient', outbound: { host: '127.0.0.1', port: out.port, ignoreTLS: true, from: '示例医院客服 <service@hospital.example>' } },
        },
        routing: { requireOnline: false, agents: { 'u-agent2': { capacity: 0 } } },
      },
    });
    agent = await t.signIn('agent');
    client = nodemailer.createTransport({ host: '127.0.0.1', port: t.hub.channels.email!.port, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    client.close();
    await t.close();
    await out.close();
  });

  const byMessageId = async (mid: string) => {
    const row = (await t.hub.store.read((r) => r.getInbound('email', `mid:${mid}`)))!;
    return row;
  };

  it('threads a conversation across both directions, with attachments and headers', async () => {
    await client.sendMail({
      from: 'Emily Huang <emily@example.org>',
      to: 'service@hospital.example',
      subject: 'Question about my lab report',
      text: 'Hello, when will my blood test report be ready?',
      messageId: '<first-1@example.org>',
      attachments: [
        { filename: 'referral.txt', content: 'referral letter' },
        { filename: 'big.pdf', content: Buffer.alloc(5000, 1) },
      ],
    });
    const first = await byMessageId('first-1@example.org');
    expect(first.state).toBe('ingested');
    const conv = (await t.hub.store.read((r) => r.getConversation(first.conversationId!)))!;
    expect(conv).toMatchObject({ channel: 'email', subject: 'Question about my lab report', assigneeId: 'u-agent' });
    const m1 = (await t.hub.store.read((r) => r.getMessage(first.messageId!)))!;
    expect(m1.body).toContain('when will my blood test report be ready?');
    expect(m1.body).toContain('[附件] referral.txt');
    expect(m1.body).toContain('[附件过大未保存] big.pdf');
    const atts = await t.hub.store.read((r) => r.attachmentsOfMessage(m1.id));
    expect(atts.map((a) => [a.filename, a.size])).toEqual([['referral.txt', 15]]);
    expect(first.raw).toMatch(/Message-ID: <first-1@example.org>/i);

    // Agent replies: sent after the recall window with In-Reply-To / References.
    const reply = newId();
    await agent.mutate('message.send', { conversationId: conv.id, messageId: reply, body: 'Your report will be ready tomorrow afternoon.' });
    t.clock.advance(5001);
    await t.hub.channels.dispatcher.runOnce();
    expect(out.mails).toHaveLength(1);
    const sent = out.mails[0]!;
    expect(sent.messageId).toBe(`<${reply}@hub.hospital.example>`);
    expect(sent.inReplyTo).toBe('<first-1@example.org>');
    expect(sent.references).toBe('<first-1@example.org>');
    expect(sent.subject).toBe('Re: Question about my lab report');
    expect(sent.to && !Array.isArray(sent.to) ? sent.to.text : '').toBe('emily@example.org');
    expect(sent.text?.trim()).toBe('Your report will be ready tomorrow afternoon.');
    expect((await t.hub.store.read((r) => r.getMessage(reply)))!.deliveryStatus).toBe('sent');

    // The patient's answer names our Message-ID: same conversation.
    await client.sendMail({ from: 'emily@example.org', to: 'service@hospital.example', subject: 'Re: Question about my lab report', text: 'Thank you!', messageId: '<second-2@example.org>', inReplyTo: sent.messageId, references: ['<first-1@example.org>', sent.messageId!] });
    expect((await byMessageId('second-2@example.org')).conversationId).toBe(conv.id);
    // A second reply references the whole chain.
    const reply2 = newId();
    await agent.mutate('message.send', { conversationId: conv.id, messageId: reply2, body: 'You are welcome.' });
    t.clock.advance(5001);
    await t.hub.channels.dispatcher.runOnce();
    expect(out.mails[1]!.inReplyTo).toBe('<second-2@example.org>');
    expect(out.mails[1]!.references).toEqual(['<first-1@example.org>', `<${reply}@hub.hospital.example>`, '<second-2@example.org>']);

    // A new mail without references starts a new conversation for the same contact.
    await client.sendMail({ from: 'emily@example.org', to: 'service@hospital.example', subject: 'Another topic', text: 'Parking?', messageId: '<third-3@example.org>' });
    const third = await byMessageId('third-3@example.org');
    expect(third.conversationId).not.toBe(conv.id);
    expect(third.contactId).toBe(first.contactId);
    // The same Message-ID again (a relay retry): accepted, nothing new.
    await client.sendMail({ from: 'emily@example.org', to: 'service@hospital.example', subject: 'Another topic', text: 'Parking?', messageId: '<third-3@example.org>' });
    expect(await t.hub.store.read((r) => r.messagesOf(third.conversationId!))).toHaveLength(1);
  });

  it('refuses unknown recipients (550), oversized mail (552) and mail without a From (550); sink refusal fails the reply', async () => {
    await expect(client.sendMail({ from: 'a@example.org', to: 'nobody@hospital.example', text: 'x' })).rejects.toMatchObject({ responseCode: 550 });
    await expect(client.sendMail({ from: 'a@example.org', to: 'service@hospital.example', text: 'x'.repeat(300_000) })).rejects.toMatchObject({ responseCode: 552 });
    await expect(client.sendMail({ envelope: { from: 'a@example.org', to: ['service@hospital.example'] }, raw: 'Subject: no from\r\n\r\nbody\r\n' })).rejects.toMatchObject({ responseCode: 550 });
    const first = await byMessageId('first-1@example.org');
    out.setRefuse(550);
    const r = newId();
    await agent.mutate('message.send', { conversationId: first.conversationId!, messageId: r, body: 'x' });
    t.clock.advance(5001);
    await t.hub.channels.dispatcher.runOnce();
    expect(await t.hub.store.read((x) => x.getMessage(r))).toMatchObject({ deliveryStatus: 'failed', failureReason: 'channel.email_rejected:550' });
    out.setRefuse(null);
  });

  it('refsOf orders In-Reply-To first, then References newest first', () => {
    expect(refsOf({ inReplyTo: '<b@x>', references: ['<a@x>', '<b@x>'] })).toEqual(['b@x', 'a@x']);
    expect(refsOf({ inReplyTo: undefined, references: '<a@x> <c@x>' })).toEqual(['c@x', 'a@x']);
  });
});
