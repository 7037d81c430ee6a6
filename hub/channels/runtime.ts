import type { FastifyInstance } from 'fastify';
import type { Channel } from '../../shared/domain/types';
import type { HubContext } from '../app/context';
import { Router } from '../routing/router';
import type { StoreTx } from '../store/store';
import { registerChannelApi } from './api';
import { DeviceAdapter } from './device/adapter';
import { EmailAdapter } from './email/adapter';
import { channelScope } from './http';
import { acceptInbound } from './inbound';
import { OutboundDispatcher } from './outbound';
import { PhoneAdapter } from './phone/adapter';
import { SmsAdapter } from './sms/adapter';
import type { ChannelAdapter, ChannelRuntime } from './types';
import { WebchatAdapter } from './webchat/adapter';
import { WechatAdapter } from './wechat/adapter';
import { answerWindowMs } from '../qa/surveys';

export interface Channels {
  readonly runtime: ChannelRuntime;
  readonly dispatcher: OutboundDispatcher;
  readonly router: Router;
  readonly adapters: ReadonlyMap<Channel, ChannelAdapter>;
  readonly webchat: WebchatAdapter | null;
  readonly email: EmailAdapter | null;
  readonly device: DeviceAdapter | null;
  readonly wechat: WechatAdapter | null;
  readonly wecom: WechatAdapter | null;
  /** Starts listeners (SMTP, MQTT), finishes journaled inbound, starts the dispatcher and router. */
  start(): Promise<void>;
  /** Stops taking input, lets in-flight sends finish. */
  stop(): Promise<void>;
}

/** Builds every configured adapter behind one runtime and registers their routes. */
export async function registerChannels(app: FastifyInstance, ctx: HubContext, online: () => ReadonlySet<string>): Promise<Channels> {
  const config = ctx.config.channels;
  const log = ctx.log.child({ component: 'channels' });
  const write = async <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> => {
    const out = await ctx.store.write(fn);
    ctx.notifier.advanced();
    return out;
  };
  const router = new Router({ ctx, routing: ctx.config.routing, channels: config, online, write });
  const adapters = new Map<Channel, ChannelAdapter>();
  // eslint-disable-next-line prefer-const -- assigned once the adapters exist
  let dispatcher: OutboundDispatcher;
  const deps = { router, routing: ctx.config.routing, surveyAnswerWindowMs: answerWindowMs(ctx) };
  const runtime: ChannelRuntime = {
    ctx,
    config,
    log,
    write,
    accept: (env) => write((tx) => acceptInbound(deps, tx, env, ctx.now())),
    acceptIn: (tx, env) => acceptInbound(deps, tx, env, ctx.now()),
    receipt: (messageId, status, reason) => dispatcher.receipt(messageId, status, reason ?? null),
    kickOutbound: () => dispatcher.kick(),
  };

  const webchat = config.webchat.enabled ? new WebchatAdapter(runtime, config.webchat) : null;
  const wechat = config.wechat.enabled ? new WechatAdapter(runtime, 'wechat', config.wechat) : null;
  const wecom = config.wecom.enabled ? new WechatAdapter(runtime, 'wecom', config.wecom) : null;
  const sms = config.sms.enabled ? new SmsAdapter(runtime, config.sms) : null;
  const email = config.email.enabled ? new EmailAdapter(runtime, config.email) : null;
  const phone = config.phone.enabled ? new PhoneAdapter(runtime, config.phone) : null;
  const device = config.device.enabled ? new DeviceAdapter(runtime, config.device) : null;
  for (const a of [webchat, wechat, wecom, sms, email, phone, device]) if (a) adapters.set(a.channel, a);
  dispatcher = new OutboundDispatcher({ ctx, config: config.outbound, adapters, write });

  await channelScope(app, log, (scope) => {
    for (const a of adapters.values()) a.routes?.(scope);
  });
  for (const a of adapters.values()) a.apiRoutes?.(app);
  registerChannelApi(app, ctx, write);

  let started = false;
  return {
    runtime,
    dispatcher,
    router,
    adapters,
    webchat,
    email,
    device,
    wechat,
    wecom,
    async start() {
      if (started) return;
      started = true;
      for (const a of adapters.values()) await a.start?.();
      const stuck = await dispatcher.recover();
      if (stuck > 0) log.warn({ stuck }, 'replies caught mid-send by a restart will be sent again');
      dispatcher.start();
      router.start();
      log.info({ channels: [...adapters.keys()] }, 'channels started');
    },
    async stop() {
      for (const a of adapters.values()) await a.stop?.().catch((e: unknown) => log.error({ err: e, channel: a.channel }, 'channel stop failed'));
      await router.stop();
      await dispatcher.stop();
    },
  };
}
