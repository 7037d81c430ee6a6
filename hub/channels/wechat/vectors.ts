/**
 * Tencent's published WXBizMsgCrypt sample vectors, verbatim:
 * - WeCom C++ SDK sample — repository LeoEatle/WXBizMsgCryptNode, path Sample.cpp
 *   (VerifyURL: msg_signature 5c45ff5e…, timestamp 1409659589, nonce 263014780, echostr P9nAzCzy…;
 *    DecryptMsg: msg_signature 477715d1…, timestamp 1409659813, nonce 1372623149, Encrypt RypEvHKD…);
 * - official-account C# sample — repository JeffreySu/WeiXinMPSDK,
 *   path src/Senparc.Weixin.MP/Senparc.Weixin.MP/Tencent/Sample.cs (same DecryptMsg vector
 *   with sAppID "wx5823bf96d3bd56c7", and the EncryptMsg reply text with Chinese characters).
 * Token "QDG6eK", CorpID/AppID "wx5823bf96d3bd56c7", EncodingAESKey "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C".
 * Test data only (imported by the tests). What the ciphertexts decrypt to is asserted in crypto.test.ts.
 */
export const WX_SAMPLE = {
  token: 'QDG6eK',
  receiveId: 'wx5823bf96d3bd56c7',
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  verify: {
    msgSignature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
    timestamp: '1409659589',
    nonce: '263014780',
    echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
  },
  message: {
    msgSignature: '477715d11cdb4164915debcba66cb864d751f3e6',
    timestamp: '1409659813',
    nonce: '1372623149',
    encrypt:
      'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
  },
} as const;

/** The POST body of Sample.cpp (WeCom) — Sample.cs (official account) has the same without AgentID. */
export const WX_SAMPLE_POST_BODY = `<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[${WX_SAMPLE.message.encrypt}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>`;

