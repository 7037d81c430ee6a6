import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tencent's message encryption (WXBizMsgCrypt), shared by WeChat official
 * accounts (safe mode) and WeCom callbacks:
 *
 * - signature = SHA1 of the lexicographically sorted strings concatenated
 *   (token, timestamp, nonce[, encrypted message]), hex;
 * - AES key = base64-decode(EncodingAESKey + "="), 32 bytes; IV = its first 16;
 *   AES-256-CBC with PKCS#7 padding to a multiple of 32 bytes (not 16);
 * - plaintext = 16 random bytes · 4-byte big-endian length · message · receiveId
 *   (the AppID, or the CorpID for WeCom).
 */

export class WxCryptoError extends Error {
  constructor(
    readonly code: 'bad_signature' | 'bad_key' | 'bad_ciphertext' | 'bad_padding' | 'bad_length' | 'wrong_receiver',
    message: string,
  ) {
    super(message);
    this.name = 'WxCryptoError';
  }
}

const BLOCK = 32;

export function sha1Signature(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

export function signatureMatches(expected: string, given: string | undefined | null): boolean {
  if (!given || !/^[0-9a-f]{40}$/i.test(given)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given.toLowerCase(), 'hex'));
}

export function aesKeyOf(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) throw new WxCryptoError('bad_key', 'EncodingAESKey must be 43 base64 characters');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new WxCryptoError('bad_key', 'EncodingAESKey does not decode to 32 bytes');
  return key;
}

export class WxBizMsgCrypt {
  private readonly key: Buffer;
  private readonly iv: Buffer;

  constructor(
    private readonly token: string,
    encodingAesKey: string,
    /** AppID (official account) or CorpID (WeCom). */
    private readonly receiveId: string,
  ) {
    this.key = aesKeyOf(encodingAesKey);
    this.iv = this.key.subarray(0, 16);
  }

  signature(timestamp: string, nonce: string, encrypted?: string): string {
    return encrypted === undefined ? sha1Signature(this.token, timestamp, nonce) : sha1Signature(this.token, timestamp, nonce, encrypted);
  }

  verify(signature: string | undefined | null, timestamp: string, nonce: string, encrypted?: string): void {
    if (!signatureMatches(this.signature(timestamp, nonce, encrypted), signature)) throw new WxCryptoError('bad_signature', 'Signature does not match');
  }

  decrypt(encrypted: string): string {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) throw new WxCryptoError('bad_ciphertext', 'Ciphertext is not base64');
    const data = Buffer.from(encrypted, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) throw new WxCryptoError('bad_ciphertext', 'Ciphertext length is not a multiple of the AES block');
    let plain: Buffer;
    try {
      const d = createDecipheriv('aes-256-cbc', this.key, this.iv);
      d.setAutoPadding(false);
      plain = Buffer.concat([d.update(data), d.final()]);
    } catch {
      throw new WxCryptoError('bad_ciphertext', 'AES decryption failed');
    }
    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > BLOCK || pad > plain.length) throw new WxCryptoError('bad_padding', 'Bad PKCS#7 padding');
    for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) throw new WxCryptoError('bad_padding', 'Bad PKCS#7 padding');
    const body = plain.subarray(0, plain.length - pad);
    if (body.length < 20) throw new WxCryptoError('bad_length', 'Plaintext too short');
    const len = body.readUInt32BE(16);
    if (20 + len > body.length) throw new WxCryptoError('bad_length', 'Message length exceeds plaintext');
    const msg = body.subarray(20, 20 + len).toString('utf8');
    const rid = body.subarray(20 + len).toString('utf8');
    if (rid !== this.receiveId) throw new WxCryptoError('wrong_receiver', 'Message was encrypted for another AppID/CorpID');
    return msg;
  }

  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    const msg = Buffer.from(message, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(msg.length, 0);
    const body = Buffer.concat([random.subarray(0, 16), len, msg, Buffer.from(this.receiveId, 'utf8')]);
    const pad = BLOCK - (body.length % BLOCK);
    const padded = Buffer.concat([body, Buffer.alloc(pad, pad)]);
    const c = createCipheriv('aes-256-cbc', this.key, this.iv);
    c.setAutoPadding(false);
    return Buffer.concat([c.update(padded), c.final()]).toString('base64');
  }

  /** URL verification (GET with echostr): check the signature over the encrypted echostr, answer its plaintext. */
  verifyUrl(msgSignature: string | undefined | null, timestamp: string, nonce: string, echostr: string): string {
    this.verify(msgSignature, timestamp, nonce, echostr);
    return this.decrypt(echostr);
  }

  /** A passive reply in encrypted form (EncryptMsg of the samples). */
  encryptReply(xml: string, timestamp: string, nonce: string, random?: Buffer): string {
    const enc = this.encrypt(xml, random);
    const sig = this.signature(timestamp, nonce, enc);
    return `<xml><Encrypt><![CDATA[${enc}]]></Encrypt><MsgSignature><![CDATA[${sig}]]></MsgSignature><TimeStamp>${timestamp}</TimeStamp><Nonce><![CDATA[${nonce}]]></Nonce></xml>`;
  }
}
