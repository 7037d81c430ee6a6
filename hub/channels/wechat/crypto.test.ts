import { describe, expect, it } from 'vitest';
import { WxBizMsgCrypt, WxCryptoError, aesKeyOf, sha1Signature } from './crypto';
import { WX_SAMPLE, WX_SAMPLE_POST_BODY } from './vectors';
import { meaningOf, normalizeWx, parseWxXml, wxDedupeKey } from './xml';

const crypt = () => new WxBizMsgCrypt(WX_SAMPLE.token, WX_SAMPLE.encodingAesKey, WX_SAMPLE.receiveId);

describe('WXBizMsgCrypt against Tencent sample vectors', () => {
  it('VerifyURL: the published msg_signature holds and echostr decrypts', () => {
    const v = WX_SAMPLE.verify;
    expect(sha1Signature(WX_SAMPLE.token, v.timestamp, v.nonce, v.echostr)).toBe(v.msgSignature);
    expect(crypt().verifyUrl(v.msgSignature, v.timestamp, v.nonce, v.echostr)).toBe('1616140317555161061');
  });

  it('DecryptMsg: the published msg_signature holds and the message decrypts with its receiveid', () => {
    const m = WX_SAMPLE.message;
    const outer = parseWxXml(WX_SAMPLE_POST_BODY);
    expect(outer.Encrypt).toBe(m.encrypt);
    crypt().verify(m.msgSignature, m.timestamp, m.nonce, outer.Encrypt!);
    const xml = crypt().decrypt(outer.Encrypt!);
    const msg = normalizeWx(parseWxXml(xml));
    expect(msg).toMatchObject({ toUser: 'wx5823bf96d3bd56c7', fromUser: 'mycreate', createTime: 1409659813, msgType: 'text', content: 'hello', msgId: '4561255354251345929', agentId: '218' });
    expect(wxDedupeKey(msg)).toBe('msg:4561255354251345929');
    expect(meaningOf(msg)).toEqual({ message: { body: 'hello', contentType: 'text' } });
  });

  it('refuses a wrong token, a wrong receiver, tampered or malformed ciphertext', () => {
    const m = WX_SAMPLE.message;
    expect(() => new WxBizMsgCrypt('wrong', WX_SAMPLE.encodingAesKey, WX_SAMPLE.receiveId).verify(m.msgSignature, m.timestamp, m.nonce, m.encrypt)).toThrow(WxCryptoError);
    expect(() => crypt().verify(m.msgSignature, m.timestamp, '1372623150', m.encrypt)).toThrow(/Signature/);
    expect(() => crypt().verify(undefined, m.timestamp, m.nonce, m.encrypt)).toThrow(/Signature/);
    expect(() => new WxBizMsgCrypt(WX_SAMPLE.token, WX_SAMPLE.encodingAesKey, 'wx0000000000000000').decrypt(m.encrypt)).toThrow(/another AppID/);
    const tampered = Buffer.from(m.encrypt, 'base64');
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 0xff, tampered.length - 1);
    expect(() => crypt().decrypt(tampered.toString('base64'))).toThrow(WxCryptoError);
    expect(() => crypt().decrypt('not base64!')).toThrow(WxCryptoError);
    expect(() => crypt().decrypt(Buffer.alloc(17).toString('base64'))).toThrow(WxCryptoError);
    expect(() => aesKeyOf('short')).toThrow(WxCryptoError);
  });

  it('EncryptMsg: a reply with Chinese (byte-length framing) round-trips through sign + decrypt', () => {
    // sRespData of the official C# sample: the length prefix counts bytes, not characters.
    const resp =
      '<xml><ToUserName><![CDATA[mycreate]]></ToUserName><FromUserName><![CDATA[wx582测试一下中文的情况，消息长度是按字节来算的396d3bd56c7]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId></xml>';
    const out = crypt().encryptReply(resp, WX_SAMPLE.message.timestamp, WX_SAMPLE.message.nonce);
    const f = parseWxXml(out);
    crypt().verify(f.MsgSignature, f.TimeStamp!, f.Nonce!, f.Encrypt);
    expect(crypt().decrypt(f.Encrypt!)).toBe(resp);
    // Padding is PKCS#7 to 32-byte blocks: the ciphertext is a multiple of 32 bytes.
    expect(Buffer.from(f.Encrypt!, 'base64').length % 32).toBe(0);
  });

  it('XML: DOCTYPE/ENTITY refused, malformed refused, events understood', () => {
    expect(() => parseWxXml('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><xml><A>&a;</A></xml>')).toThrow(/DOCTYPE/);
    expect(() => parseWxXml('<xml><A>1</B></xml>')).toThrow(/Malformed/);
    expect(() => parseWxXml('<other/>')).toThrow(/<xml>/);
    const base = '<ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1700000000</CreateTime>';
    const ev = (x: string) => meaningOf(normalizeWx(parseWxXml(`<xml>${base}${x}</xml>`)), { REG: 'outpatient' });
    expect(ev('<MsgType>event</MsgType><Event>subscribe</Event>')).toEqual({ message: null, consent: 'granted' });
    expect(ev('<MsgType>event</MsgType><Event>unsubscribe</Event>')).toMatchObject({ consent: 'withdrawn', onlyExisting: true });
    expect(ev('<MsgType>event</MsgType><Event>CLICK</Event><EventKey>REG</EventKey>')).toEqual({ message: { body: '[菜单] REG', contentType: 'event' }, department: 'outpatient' });
    expect(ev('<MsgType>voice</MsgType><MediaId>m</MediaId><Format>amr</Format><Recognition><![CDATA[我想挂号]]></Recognition><MsgId>9</MsgId>')).toEqual({ message: { body: '[语音] 我想挂号', contentType: 'voice' } });
    expect(ev('<MsgType>image</MsgType><PicUrl>http://x/y.jpg</PicUrl><MediaId>m</MediaId><MsgId>8</MsgId>')).toEqual({ message: { body: '[图片] http://x/y.jpg', contentType: 'image' } });
    expect(() => normalizeWx(parseWxXml('<xml><MsgType>text</MsgType></xml>'))).toThrow(/Missing </);
  });
});
