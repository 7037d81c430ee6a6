import type { Language } from '../../../shared/domain/types';

/**
 * Console text in zh-CN (first) and en. Terminal text uses ASCII for separators and
 * arrows (| ... ~ x): ·, …, →, ↑ and × are East-Asian "ambiguous" characters that a
 * CJK monospace font draws two cells wide into xterm's one-cell slot. Every entry has both (the type says so);
 * `{name}` placeholders are filled by `msg()`.
 */
const M = {
  // help
  'help.title': { 'zh-CN': '诊断控制台命令（Tab 补全，上/下方向键翻历史）：', en: 'Diagnostics console commands (Tab completes, Up/Down for history):' },
  'help.more': { 'zh-CN': '输入 help <命令> 查看某条命令的说明。', en: 'Type help <command> for one command.' },
  'help.unknown': { 'zh-CN': '没有命令 "{name}"。', en: 'No command "{name}".' },
  'cmd.help': { 'zh-CN': '显示命令列表', en: 'List the commands' },
  'cmd.status': { 'zh-CN': '工作台概况：版本、模式、枢纽、用户、策略、更新、同步、副本', en: 'Overview: versions, mode, hub, user, policy, updates, sync, replica' },
  'cmd.policy': { 'zh-CN': '机器策略与生效设置（哪些被信息科锁定）', en: 'Machine policy and effective settings (which ones IT locked)' },
  'cmd.sync.status': { 'zh-CN': '同步状态：连接、排队、被拒、上次同步', en: 'Sync state: connection, queued, rejected, last sync' },
  'cmd.sync.log': { 'zh-CN': '最近的同步日志（已脱敏）', en: 'Recent sync log entries (scrubbed)' },
  'cmd.sync.retry': { 'zh-CN': '立即重试同步（跳过退避等待）', en: 'Retry sync now (skip the back-off wait)' },
  'cmd.hub.ping': { 'zh-CN': '测试到枢纽的延迟；https 时显示证书详情', en: 'Round trips to the hub; certificate details over https' },
  'cmd.db.check': { 'zh-CN': '检查副本完整性（SQLite 与加密页校验）', en: 'Check the replica (SQLite integrity and encrypted page HMACs)' },
  'cmd.db.size': { 'zh-CN': '副本文件大小与各表行数（不含内容）', en: 'Replica file sizes and row counts (no contents)' },
  'cmd.outbox.list': { 'zh-CN': '待上传的更改（不显示正文）', en: 'Changes waiting for the hub (no message text)' },
  'cmd.export.diagnostics': { 'zh-CN': '导出诊断包（版本、配置、脱敏日志；不含数据库内容）', en: 'Export a diagnostics bundle (versions, config, scrubbed logs; no database contents)' },
  'cmd.lock': { 'zh-CN': '立即锁定工作台', en: 'Lock the workspace now' },
  'cmd.history': { 'zh-CN': '本次会话输入过的命令', en: 'Commands run in this session' },
  'cmd.clear': { 'zh-CN': '清屏', en: 'Clear the screen' },
  // errors & usage
  'err.unknown': { 'zh-CN': '未知命令 "{name}"。输入 help 查看可用命令。', en: 'Unknown command "{name}". Type help for the list.' },
  'err.subcommand': { 'zh-CN': '"{name}" 需要子命令：{list}', en: '"{name}" needs a subcommand: {list}' },
  'err.args': { 'zh-CN': '"{name}" 不接受参数 "{args}"。', en: '"{name}" takes no argument "{args}".' },
  'err.failed': { 'zh-CN': '命令失败：{error}', en: 'The command failed: {error}' },
  'err.forbidden': { 'zh-CN': '诊断控制台仅限管理员、演示诊所或本机诊断模式使用。', en: 'The diagnostics console is for admins, the demo clinic or local diagnostic mode only.' },
  // common words
  yes: { 'zh-CN': '是', en: 'yes' },
  no: { 'zh-CN': '否', en: 'no' },
  none: { 'zh-CN': '无', en: 'none' },
  never: { 'zh-CN': '从未', en: 'never' },
  locked: { 'zh-CN': '策略锁定', en: 'locked by policy' },
  'source.policy': { 'zh-CN': '机器策略', en: 'machine policy' },
  'source.environment': { 'zh-CN': '环境变量', en: 'environment' },
  'source.default': { 'zh-CN': '默认', en: 'default' },
  minutes: { 'zh-CN': '{n} 分钟', en: '{n} min' },
  // status
  'status.mode': { 'zh-CN': '模式', en: 'Mode' },
  'status.modeDemo': { 'zh-CN': '演示诊所（未配置枢纽）', en: 'demo clinic (no hub configured)' },
  'status.modeHub': { 'zh-CN': '院内枢纽', en: 'hospital hub' },
  'status.hub': { 'zh-CN': '枢纽地址', en: 'Hub' },
  'status.user': { 'zh-CN': '用户', en: 'User' },
  'status.signedOut': { 'zh-CN': '未登录', en: 'signed out' },
  'status.screen': { 'zh-CN': '屏幕', en: 'Screen' },
  'status.lockedNow': { 'zh-CN': '已锁定', en: 'locked' },
  'status.unlocked': { 'zh-CN': '未锁定', en: 'unlocked' },
  'status.autoLock': { 'zh-CN': '自动锁定', en: 'Auto-lock' },
  'status.logs': { 'zh-CN': '日志', en: 'Logs' },
  'status.crashDumps': { 'zh-CN': '崩溃转储', en: 'Crash dumps' },
  'status.crashDumpsValue': { 'zh-CN': '{n} 个，仅存本机（{dir}）', en: '{n}, kept on this computer only ({dir})' },
  'status.updates': { 'zh-CN': '更新', en: 'Updates' },
  'status.sync': { 'zh-CN': '同步', en: 'Sync' },
  'status.replica': { 'zh-CN': '副本', en: 'Replica' },
  'status.replicaValue': { 'zh-CN': '架构版本 {v} | {size} | 已加密（{cipher}）', en: 'schema {v} | {size} | encrypted ({cipher})' },
  'status.policyFile': { 'zh-CN': '策略', en: 'Policy' },
  'status.policyFound': { 'zh-CN': '{file}（已生效，锁定 {n} 项）', en: '{file} (in force, {n} settings locked)' },
  'status.policyMissing': { 'zh-CN': '{file}（不存在，无锁定项）', en: '{file} (absent, nothing locked)' },
  // updates
  'updates.on': { 'zh-CN': '开启 | 通道 {channel} | {feed}', en: 'on | channel {channel} | {feed}' },
  'updates.state': { 'zh-CN': '上次检查 {at} | {state}', en: 'last check {at} | {state}' },
  'updates.off.not_packaged': { 'zh-CN': '关闭：开发运行（未打包）', en: 'off: development run (not packaged)' },
  'updates.off.disabled': { 'zh-CN': '关闭：已停用', en: 'off: turned off' },
  'updates.off.msi_install': { 'zh-CN': '关闭：MSI 安装，升级由信息科部署（GPO/SCCM）', en: 'off: MSI install, upgrades are deployed by IT (GPO/SCCM)' },
  'updates.off.deb_install': { 'zh-CN': '关闭：deb 安装，由软件包管理器升级', en: 'off: deb install, upgraded by the package manager' },
  'updates.off.unsupported_install': { 'zh-CN': '关闭：此安装方式不支持自动更新', en: 'off: this kind of install cannot self-update' },
  'updates.off.no_hub': { 'zh-CN': '关闭：未配置枢纽', en: 'off: no hub configured' },
  'updates.off.feed_not_https': { 'zh-CN': '关闭：更新源不是 https（{feed}）', en: 'off: the update feed is not https ({feed})' },
  'updates.unknown': { 'zh-CN': '未知（更新模块未运行）', en: 'unknown (the updater is not running)' },
  'updates.rollout': { 'zh-CN': '分批发布位置 {pos}%（本机编号 {id}）', en: 'staged-rollout position {pos}% (install id {id})' },
  // sync
  'sync.demo': { 'zh-CN': '演示模式：未配置枢纽，不同步。', en: 'Demo mode: no hub configured, nothing syncs.' },
  'sync.state': { 'zh-CN': '状态', en: 'State' },
  'sync.queued': { 'zh-CN': '排队', en: 'Queued' },
  'sync.rejected': { 'zh-CN': '被拒', en: 'Rejected' },
  'sync.last': { 'zh-CN': '上次同步', en: 'Last sync' },
  'sync.error': { 'zh-CN': '错误', en: 'Error' },
  'sync.initial': { 'zh-CN': '首次同步', en: 'Initial sync' },
  'sync.workstation': { 'zh-CN': '工作站编号', en: 'Workstation id' },
  'sync.noLogDir': { 'zh-CN': '未配置日志目录。', en: 'No log folder configured.' },
  'sync.noEntries': { 'zh-CN': '日志中没有同步记录。', en: 'No sync entries in the log.' },
  'sync.retrying': { 'zh-CN': '正在重试同步...', en: 'Retrying sync...' },
  'sync.signedOut': { 'zh-CN': '未登录：请先登录，再同步。', en: 'Signed out: sign in first, then sync.' },
  'sync.retryTimeout': { 'zh-CN': '同步仍在进行（{s} 秒内未结束），稍后用 sync status 查看。', en: 'Sync still running after {s} s; check again with sync status.' },
  // hub ping
  'ping.noHub': { 'zh-CN': '未配置枢纽（演示模式），无可测试目标。', en: 'No hub configured (demo mode): nothing to ping.' },
  'ping.target': { 'zh-CN': '目标', en: 'Target' },
  'ping.attempt': { 'zh-CN': '第 {n} 次', en: 'Attempt {n}' },
  'ping.summary': { 'zh-CN': '延迟 最小/平均/最大', en: 'Latency min/avg/max' },
  'ping.hubId': { 'zh-CN': '枢纽编号', en: 'Hub id' },
  'ping.failed': { 'zh-CN': '枢纽不可达。', en: 'The hub cannot be reached.' },
  'ping.tls': { 'zh-CN': 'TLS 证书', en: 'TLS certificate' },
  'ping.tlsSubject': { 'zh-CN': '主体', en: 'Subject' },
  'ping.tlsIssuer': { 'zh-CN': '颁发者', en: 'Issuer' },
  'ping.tlsValid': { 'zh-CN': '有效期', en: 'Valid' },
  'ping.tlsDaysLeft': { 'zh-CN': '剩余 {n} 天', en: '{n} days left' },
  'ping.tlsExpired': { 'zh-CN': '已过期 {n} 天', en: 'expired {n} days ago' },
  'ping.tlsNames': { 'zh-CN': '备用名称', en: 'Alt names' },
  'ping.tlsFingerprint': { 'zh-CN': 'SHA-256 指纹', en: 'SHA-256 fingerprint' },
  'ping.tlsProtocol': { 'zh-CN': '协议', en: 'Protocol' },
  'ping.tlsTrust': { 'zh-CN': '信任', en: 'Trust' },
  'ping.tlsTrusted': { 'zh-CN': '受信任', en: 'trusted' },
  'ping.tlsUntrusted': { 'zh-CN': '不受信任：{reason}', en: 'NOT trusted: {reason}' },
  'ping.tlsError': { 'zh-CN': '无法读取证书：{error}', en: 'Could not read the certificate: {error}' },
  // db
  'db.ok': { 'zh-CN': '副本完好：SQLite 完整性检查与加密页 HMAC 校验均通过。', en: 'Replica OK: SQLite integrity check and encrypted page HMACs all pass.' },
  'db.bad': { 'zh-CN': '副本有问题，请勿删除文件，联系信息科：', en: 'The replica has problems. Do not delete files; contact IT:' },
  'db.integrity': { 'zh-CN': 'SQLite 完整性', en: 'SQLite integrity' },
  'db.cipher': { 'zh-CN': '加密页校验', en: 'Cipher (page HMAC)' },
  'db.file': { 'zh-CN': '数据库文件', en: 'Database file' },
  'db.wal': { 'zh-CN': 'WAL 日志', en: 'WAL' },
  'db.checkpoints': { 'zh-CN': 'WAL 检查点', en: 'WAL checkpoints' },
  'db.checkpointsBackground': { 'zh-CN': '后台线程 · 已运行 {n} 次', en: 'background thread · {n} runs' },
  'db.checkpointsInline': { 'zh-CN': '在写入时进行（SQLite 默认）', en: 'inline with writes (SQLite default)' },
  'db.checkpointsFallback': { 'zh-CN': '在写入时进行：后台线程不可用（{error}）', en: 'inline with writes: background thread unavailable ({error})' },
  'db.pages': { 'zh-CN': '页', en: 'Pages' },
  'db.schema': { 'zh-CN': '架构版本', en: 'Schema version' },
  'db.cipherName': { 'zh-CN': '加密', en: 'Cipher' },
  'db.rows': { 'zh-CN': '行数', en: 'Rows' },
  // outbox
  'outbox.empty': { 'zh-CN': '没有待上传的更改。', en: 'Nothing waiting for the hub.' },
  'outbox.summary': { 'zh-CN': '共 {n} 条：{states}', en: '{n} in total: {states}' },
  'outbox.more': { 'zh-CN': '...另有 {n} 条未显示', en: '...and {n} more not shown' },
  // export
  'export.writing': { 'zh-CN': '正在生成诊断包...', en: 'Writing the diagnostics bundle...' },
  'export.done': { 'zh-CN': '诊断包已保存：', en: 'Diagnostics bundle saved:' },
  'export.contents': { 'zh-CN': '内容（不含数据库内容、密钥或患者信息）：', en: 'Contents (no database contents, keys or patient details):' },
  // lock, history
  'lock.done': { 'zh-CN': '工作台已锁定。', en: 'Workspace locked.' },
  'history.empty': { 'zh-CN': '还没有历史记录。', en: 'No history yet.' },
} satisfies Record<string, Record<Language, string>>;

export type MessageId = keyof typeof M;
export const consoleMessages: Record<MessageId, Record<Language, string>> = M;

export function msg(language: Language, id: MessageId, vars: Record<string, string | number> = {}): string {
  return consoleMessages[id][language].replace(/\{(\w+)\}/g, (all, k: string) => (k in vars ? String(vars[k]) : all));
}
