import type { Language } from '../domain/types';
import { HubErrorCode, type HubErrorCodeValue } from '../sync/errors';

/**
 * zh-CN and en text for every hub error code (shared/sync/errors.ts). Kept apart
 * from errors.ts so the hub's codes can grow without touching the workstation's.
 */
export const hubErrorMessages: Record<HubErrorCodeValue, Record<Language, string>> = {
  [HubErrorCode.malformedJson]: { 'zh-CN': '请求内容不是有效的 JSON。', en: 'The request body is not valid JSON.' },
  [HubErrorCode.unsupportedMediaType]: { 'zh-CN': '请求内容类型不受支持，请使用 application/json。', en: 'Unsupported content type; use application/json.' },
  [HubErrorCode.tooLarge]: { 'zh-CN': '请求内容过大。', en: 'The request is too large.' },
  [HubErrorCode.requestNotFound]: { 'zh-CN': '服务器上没有这个接口。', en: 'There is no such endpoint on the hub.' },
  [HubErrorCode.requestBadRequest]: { 'zh-CN': '请求格式不正确。', en: 'The request was not in the expected format.' },
  [HubErrorCode.upgradeRequired]: { 'zh-CN': '此地址只接受 WebSocket 连接。', en: 'This address only accepts WebSocket connections.' },
  [HubErrorCode.authBadRequest]: { 'zh-CN': '登录请求格式不正确。', en: 'The sign-in request was not in the expected format.' },
  [HubErrorCode.missingToken]: { 'zh-CN': '请先登录。', en: 'Please sign in first.' },
  [HubErrorCode.invalidToken]: { 'zh-CN': '登录凭据无效，请重新登录。', en: 'Your sign-in is not valid. Please sign in again.' },
  [HubErrorCode.expired]: { 'zh-CN': '登录已过期，正在自动续期；如仍失败请重新登录。', en: 'Your sign-in has expired. Renewing it; sign in again if this persists.' },
  [HubErrorCode.invalidCredentials]: { 'zh-CN': '用户名或密码错误。', en: 'Wrong username or password.' },
  [HubErrorCode.locked]: { 'zh-CN': '密码错误次数过多，账户已锁定 15 分钟。', en: 'Too many wrong passwords. The account is locked for 15 minutes.' },
  [HubErrorCode.disabled]: { 'zh-CN': '该账户已停用，请联系管理员。', en: 'This account is disabled. Please contact an administrator.' },
  [HubErrorCode.sessionRevoked]: { 'zh-CN': '您已在别处退出或被管理员注销，请重新登录。', en: 'This session was signed out or revoked. Please sign in again.' },
  [HubErrorCode.refreshReused]: { 'zh-CN': '检测到登录凭据被重复使用，出于安全已注销，请重新登录。', en: 'A sign-in token was reused, so the session was closed for safety. Please sign in again.' },
  [HubErrorCode.workstationMismatch]: { 'zh-CN': '登录凭据不属于这台工作站，请重新登录。', en: 'This sign-in belongs to a different workstation. Please sign in again.' },
  [HubErrorCode.workstationUnregistered]: { 'zh-CN': '这台工作站尚未在服务器登记，请联系信息科。', en: 'This workstation is not registered with the hub. Please contact IT.' },
  [HubErrorCode.workstationRevoked]: { 'zh-CN': '这台工作站已被停用，请联系信息科。', en: 'This workstation has been revoked. Please contact IT.' },
  [HubErrorCode.badRequest]: { 'zh-CN': '同步请求格式不正确，本批内容均未处理。', en: 'The sync request was malformed; nothing in it was applied.' },
  [HubErrorCode.badCursor]: { 'zh-CN': '同步位置无效，需要重新完整同步。', en: 'The sync position is not valid; a full resync is needed.' },
  [HubErrorCode.batchTooLarge]: { 'zh-CN': '一次同步的内容过多，请分批发送。', en: 'Too much in one sync request; send it in smaller batches.' },
  [HubErrorCode.unknownMutation]: { 'zh-CN': '服务器不认识此操作类型（可能需要升级服务器），本批内容均未处理。', en: 'The hub does not know this kind of change (it may need an update); nothing in the batch was applied.' },
  [HubErrorCode.notFound]: { 'zh-CN': '找不到该记录，或它不在您的可见范围内。', en: 'That record was not found or is not visible to you.' },
  [HubErrorCode.forbidden]: { 'zh-CN': '您的角色无权执行此操作。', en: 'Your role is not allowed to do this.' },
  [HubErrorCode.invalidTransition]: { 'zh-CN': '会话当前状态不允许这样更改。', en: 'The conversation cannot change to that status from its current one.' },
  [HubErrorCode.assigneeNotInTeam]: { 'zh-CN': '只能分配给该组的在岗成员。', en: 'A conversation can only be assigned to an active member of its team.' },
  [HubErrorCode.unknownTeam]: { 'zh-CN': '目标小组不存在。', en: 'That team does not exist.' },
  [HubErrorCode.idConflict]: { 'zh-CN': '记录编号已被占用，请重试。', en: 'That record id is already taken; please retry.' },
  [HubErrorCode.mutationIdConflict]: { 'zh-CN': '同一操作编号提交了不同的内容，已拒绝。', en: 'The same change id was sent with different content and was refused.' },
  [HubErrorCode.consentWithdrawn]: { 'zh-CN': '患者已退订此渠道，不能发送消息。', en: 'The patient has opted out of this channel; the message cannot be sent.' },
  [HubErrorCode.notRecallable]: { 'zh-CN': '只能撤回自己发出的消息。', en: 'You can only recall messages you sent.' },
  [HubErrorCode.recallWindowClosed]: { 'zh-CN': '已超过 5 秒撤回时限，消息无法撤回。', en: 'The 5-second recall window has passed; the message cannot be recalled.' },
  [HubErrorCode.alreadyRecalled]: { 'zh-CN': '该消息已撤回。', en: 'That message was already recalled.' },
  [HubErrorCode.attachmentMissing]: { 'zh-CN': '服务器没有收到这条回复的附件（可能上传失败或被拒绝），回复未发出。请删除后重新附加文件再发送。', en: 'The hub did not receive the files of this reply (the upload failed or was refused), so it was not sent. Attach the files again and resend.' },
  [HubErrorCode.attachmentUnsupported]: { 'zh-CN': '这条回复要发往的渠道不支持附件，回复未发出。请只发文字或改用网页聊天/邮件。', en: 'The channel this reply goes to cannot carry files, so it was not sent. Send text only, or use web chat or email.' },
  [HubErrorCode.attachmentInvalid]: { 'zh-CN': '服务器拒收此文件：文件为空、类型不允许（仅 PNG/JPEG/WebP/PDF）或校验值不符。', en: 'The hub refused the file: it is empty, not an allowed type (PNG/JPEG/WebP/PDF only) or its checksum does not match.' },
  [HubErrorCode.unavailable]: { 'zh-CN': '服务器正在停止或维护，请稍后重试。您的数据未丢失。', en: 'The hub is shutting down or under maintenance. Please retry shortly; your data is safe.' },
  [HubErrorCode.internal]: { 'zh-CN': '服务器出错，已记录日志。已确认的数据未丢失，请稍后重试。', en: 'The hub failed and the error was logged. Confirmed data is safe; please retry.' },
};

export function localizeHubError(code: string, language: Language): string {
  const entry = (hubErrorMessages as Record<string, Record<Language, string> | undefined>)[code];
  if (entry) return entry[language];
  return language === 'zh-CN' ? `操作失败（${code}）。` : `The operation failed (${code}).`;
}
