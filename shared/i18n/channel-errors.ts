import type { Language } from '../domain/types';
import { localizeHubError } from './hub-errors';

/**
 * zh-CN/en text for the `failureReason` a channel writes on a staff reply it
 * could not deliver (hub/channels/errors.ts DeliveryFailure and the adapters).
 * Reasons look like `channel.sms_rejected:BLACKLISTED`: the part before ':' is
 * the stable code, the rest a provider detail shown as is.
 */
export const deliveryFailureMessages: Record<string, Record<Language, string>> = {
  'channel.not_configured': { 'zh-CN': '该渠道尚未在服务器配置，消息未发出。', en: 'This channel is not configured at the hub; the message was not sent.' },
  'channel.no_route': { 'zh-CN': '患者没有可接收文字消息的联系方式（如仅有电话），消息未发出。', en: 'The patient has no address that can receive text (e.g. phone only); the message was not sent.' },
  'channel.rejected': { 'zh-CN': '渠道拒收了这条消息。', en: 'The channel refused the message.' },
  'channel.retries_exhausted': { 'zh-CN': '多次重试后仍无法发出。', en: 'Could not be sent after several retries.' },
  'channel.wechat_window_closed': { 'zh-CN': '已超过微信 48 小时客服回复时限，需患者先发消息。', en: "WeChat's 48-hour reply window has closed; the patient must write first." },
  'channel.wechat_unsubscribed': { 'zh-CN': '患者已取消关注公众号。', en: 'The patient has unfollowed the official account.' },
  'channel.wecom_unsubscribed': { 'zh-CN': '对方已不在企业微信可见范围内。', en: 'The recipient is no longer reachable on WeCom.' },
  'channel.bad_address': { 'zh-CN': '收件地址无效。', en: 'The recipient address is not valid.' },
  'channel.wechat_error': { 'zh-CN': '微信接口返回错误。', en: 'The WeChat API returned an error.' },
  'channel.wecom_error': { 'zh-CN': '企业微信接口返回错误。', en: 'The WeCom API returned an error.' },
  'channel.sms_rejected': { 'zh-CN': '短信网关拒绝发送。', en: 'The SMS gateway refused the message.' },
  'channel.sms_undelivered': { 'zh-CN': '短信未能送达患者手机。', en: "The SMS did not reach the patient's phone." },
  'channel.email_rejected': { 'zh-CN': '邮件服务器拒收。', en: 'The mail server refused the message.' },
};

export function localizeDeliveryFailure(reason: string, language: Language): string {
  const [code = '', ...rest] = reason.split(':');
  const detail = rest.join(':');
  const entry = deliveryFailureMessages[code];
  if (entry) return detail ? `${entry[language]}（${detail}）` : entry[language];
  if (code.startsWith('channel.')) return language === 'zh-CN' ? `发送中遇到问题，正在重试或已失败（${reason}）。` : `Delivery problem; retrying or failed (${reason}).`;
  return localizeHubError(reason, language);
}
