import type { Language } from '../domain/types';
import { hubErrorMessages } from './hub-errors';

/**
 * User-facing text for every stable error code, in zh-CN (first) and en.
 * Programs branch on codes; people read these. Keep both languages complete:
 * a test fails when one is missing.
 */
export const errorMessages: Record<string, Record<Language, string>> = {
  'contract.unknown_method': { 'zh-CN': '应用内部调用了不存在的功能，请联系信息科。', en: 'The app called a function that does not exist. Please contact IT.' },
  'contract.bad_input': { 'zh-CN': '提交的内容格式不正确，请检查后重试。', en: 'The request was not in the expected format. Please check and try again.' },
  'contract.bad_output': { 'zh-CN': '本地服务返回了无效数据，已记录日志，请联系信息科。', en: 'A local service returned invalid data. It has been logged; please contact IT.' },
  'contract.internal': { 'zh-CN': '本地服务出错，已记录日志。您的数据未丢失。', en: 'A local service failed and the error was logged. Your data is safe.' },
  'replica.missing': { 'zh-CN': '找不到本机加密数据库文件。为避免数据丢失，未自动新建，请联系信息科。', en: 'The encrypted local database file is missing. A new one was not created, to avoid losing data. Please contact IT.' },
  'replica.wrong_key': { 'zh-CN': '本机数据库密钥不匹配，无法解锁。文件未被修改。', en: 'The key does not match the local database, so it cannot be unlocked. The file was not changed.' },
  'replica.corrupt': { 'zh-CN': '本机数据库文件已损坏。文件已原样保留，请联系信息科恢复。', en: 'The local database file is damaged. It was left untouched; please contact IT to recover it.' },
  'replica.not_encrypted': { 'zh-CN': '本机数据库文件未加密，出于安全原因拒绝打开。', en: 'The local database file is not encrypted and was refused for safety.' },
  'replica.from_future': { 'zh-CN': '本机数据库由更新版本的提灯创建，请升级本软件后再打开。', en: 'The local database was created by a newer version of Lantern. Please update the app to open it.' },
  'replica.migration_failed': { 'zh-CN': '数据库升级失败，已回滚，原数据保持不变。', en: 'The database upgrade failed and was rolled back; your data is unchanged.' },
  'replica.not_found': { 'zh-CN': '没有找到该记录，可能已被移出您的可见范围。', en: 'That record was not found; it may no longer be visible to you.' },
  'knowledge.not_dismissable': { 'zh-CN': '这类卡片不能被忽略并保存（危险信号始终显示）。', en: 'This kind of card cannot be dismissed for good (red flags always stay).' },
  'knowledge.source_not_found': { 'zh-CN': '这张卡片没有对应的知识条目（由系统内置检查或大模型生成）。', en: 'There is no knowledge item behind this card (it comes from a built-in check or the language model).' },
  'keystore.unavailable': { 'zh-CN': '系统密钥保护不可用，无法安全保存数据库密钥。', en: 'The operating system key protection is unavailable, so the database key cannot be stored safely.' },
  'keystore.unreadable': { 'zh-CN': '无法解开数据库密钥（可能更换了 Windows 账户）。文件未被修改，请联系信息科。', en: 'The database key could not be unwrapped (perhaps the Windows account changed). Nothing was changed; please contact IT.' },
  'contract.untrusted_sender': { 'zh-CN': '请求来自不受信任的页面，已拒绝。', en: 'The request came from an untrusted page and was refused.' },
  'hub.unreachable': { 'zh-CN': '无法连接医院服务器，将自动重试。可以继续离线工作，回复会在恢复后发出。', en: 'The hospital hub cannot be reached; Lantern keeps retrying. Keep working offline: replies leave when it is back.' },
  'hub.bad_response': { 'zh-CN': '医院服务器（或中间的网络设备）返回了无法识别的应答，将自动重试。已保存的内容不会丢失。', en: 'The hospital hub (or a network device in between) sent an answer Lantern cannot read; it retries by itself. Nothing saved is lost.' },
  'sync.internal': { 'zh-CN': '同步出错，已记录日志，将自动重试。已保存的内容不会丢失。', en: 'Sync failed and the error was logged; it retries by itself. Nothing saved is lost.' },
  'session.locked': { 'zh-CN': '工作台已锁定，请输入密码解锁。', en: 'The workspace is locked; enter your password to unlock.' },
  'session.signed_out': { 'zh-CN': '请先登录。', en: 'Please sign in first.' },
  'session.already_signed_in': { 'zh-CN': '已经登录，请先退出当前账号。', en: 'Already signed in — sign out first.' },
  'session.closed': { 'zh-CN': '提灯正在关闭。', en: 'Lantern is closing.' },
  'session.wrong_password': { 'zh-CN': '密码不正确。', en: 'Wrong password.' },
  'sync.no_hub': { 'zh-CN': '本机未配置院内枢纽（演示模式）。', en: 'No hospital hub is configured on this computer (demo mode).' },
  'messages.recall_expired': { 'zh-CN': '只能在发送后 5 秒内撤回。', en: 'Replies can only be recalled within 5 seconds of sending.' },
  'messages.recall_not_allowed': { 'zh-CN': '只能撤回您自己发出的回复。', en: 'You can only recall your own replies.' },
  'messages.already_recalled': { 'zh-CN': '这条回复已撤回。', en: 'This reply has already been recalled.' },
  'messages.already_sending': { 'zh-CN': '这条回复已在发送途中，无法取消；如需要请撤回。', en: 'This reply is already on its way and cannot be cancelled; recall it instead.' },
  'attachments.empty': { 'zh-CN': '文件是空的，无法附加。', en: 'The file is empty and cannot be attached.' },
  'attachments.too_large': { 'zh-CN': '文件过大：每个附件最多 10 MB。', en: 'The file is too large: each attachment may be at most 10 MB.' },
  'attachments.type_not_allowed': { 'zh-CN': '只能附加 PNG、JPEG、WebP 图片或 PDF 文件（按文件内容判断，不看扩展名）。', en: 'Only PNG, JPEG or WebP images and PDF files can be attached (checked by content, not by name).' },
  'attachments.too_many': { 'zh-CN': '每条回复最多附加 5 个文件。', en: 'A reply can carry at most 5 files.' },
  'attachments.not_staged': { 'zh-CN': '附件已不在待发送列表中，请重新添加。', en: 'A file is no longer waiting to be sent; please attach it again.' },
  'attachments.channel_unsupported': { 'zh-CN': '该渠道不支持发送附件（目前支持网页聊天和邮件），请改用文字或其他渠道。', en: 'This channel cannot carry files (web chat and email can); send text or use another channel.' },
  'attachments.offline': { 'zh-CN': '网络已断开，且此文件尚未在本机打开过，恢复连接后再试。', en: 'The network is down and this file has not been opened on this computer before; try again when connected.' },
  'attachments.corrupt': { 'zh-CN': '收到的文件与校验值不符，已丢弃，请稍后重试或联系信息科。', en: 'The file received does not match its checksum and was discarded; try again later or contact IT.' },
};

/** Workstation and hub codes together: what any error banner may need to explain. */
export const allErrorMessages: Record<string, Record<Language, string>> = { ...hubErrorMessages, ...errorMessages };

export function localizeError(code: string, language: Language): string {
  const entry = allErrorMessages[code];
  if (entry) return entry[language];
  return language === 'zh-CN' ? `操作失败（${code}）。` : `The operation failed (${code}).`;
}
