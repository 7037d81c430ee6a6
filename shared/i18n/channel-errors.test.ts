import { describe, expect, it } from 'vitest';
import { deliveryFailureMessages, localizeDeliveryFailure } from './channel-errors';

describe('delivery failure texts', () => {
  it('every code has Chinese and English', () => {
    for (const [code, m] of Object.entries(deliveryFailureMessages)) {
      expect(m['zh-CN'], code).toMatch(/[\u4e00-\u9fff]/);
      expect(m.en.trim(), code).not.toBe('');
    }
  });
  it('keeps provider details and falls back sensibly', () => {
    expect(localizeDeliveryFailure('channel.sms_rejected:BLACKLISTED', 'zh-CN')).toBe('短信网关拒绝发送。（BLACKLISTED）');
    expect(localizeDeliveryFailure('channel.no_route', 'en')).toContain('no address');
    expect(localizeDeliveryFailure('sync.consent_withdrawn', 'zh-CN')).toContain('退订');
    expect(localizeDeliveryFailure('channel.sms_http_503', 'en')).toContain('channel.sms_http_503');
  });
});
