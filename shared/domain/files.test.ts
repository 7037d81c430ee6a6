import { describe, expect, it } from 'vitest';
import { bodyWithoutFileLines, channelCarriesFiles, replyPreview, safeFilename, sniffFileType, withExtension } from './files';

const enc = new TextEncoder();
const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));

describe('files', () => {
  it('reads the type from the content, not the name', () => {
    expect(sniffFileType(hex('89504e470d0a1a0a0000'))).toBe('image/png');
    expect(sniffFileType(hex('ffd8ffe0'))).toBe('image/jpeg');
    expect(sniffFileType(enc.encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffFileType(enc.encode('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffFileType(enc.encode('GIF89a'))).toBeNull();
    expect(sniffFileType(enc.encode('hello.png'))).toBeNull();
  });

  it('keeps names safe and gives them the extension of their content', () => {
    expect(withExtension(safeFilename('../../etc/passwd', 'x'), 'application/pdf')).not.toContain('/');
    expect(withExtension('检查须知', 'image/png')).toBe('检查须知.png');
    expect(withExtension('scan.PNG', 'image/png')).toBe('scan.PNG');
  });

  it('lets files travel on web chat and e-mail only', () => {
    expect(['webchat', 'email', 'sms', 'phone', 'device', 'wechat', 'wecom'].map((c) => channelCarriesFiles(c as never))).toEqual([true, true, false, false, false, false, false]);
  });

  it('drops the hub’s per-file lines from a message whose files are shown', () => {
    const body = '【化验单】\n化验单照片在附件里。\n[图片] 化验单.png (image/png, 70 B) /attachments/att-01ABC';
    expect(bodyWithoutFileLines(body, ['att-01ABC'])).toBe('【化验单】\n化验单照片在附件里。');
    expect(bodyWithoutFileLines(body, [])).toBe(body);
    expect(bodyWithoutFileLines('[图片] image.png (image/png, 1 KB) /attachments/att-9', ['att-9'])).toBe('');
    // Only the named files' lines: a patient quoting a path keeps their text.
    expect(bodyWithoutFileLines('see /attachments/att-other', ['att-1'])).toBe('see /attachments/att-other');
  });

  it('previews a reply by its text, or by its files when it has none', () => {
    expect(replyPreview('您好', ['a.png'])).toBe('您好');
    expect(replyPreview('', ['化验单.png', 'b.pdf'])).toBe('[附件] 化验单.png [附件] b.pdf');
    expect(replyPreview('x'.repeat(200), []).length).toBe(120);
  });
});
