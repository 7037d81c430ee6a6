import type { Channel } from './types';

/**
 * Masks a known identifier for display (the full value needs an audited reveal).
 * Phone numbers keep the first 3 and last 4 digits (138****5678), emails the first
 * letter and the domain, other ids their first and last 2 characters.
 */
export function maskIdentifier(channel: Channel, value: string): string {
  if (channel === 'sms' || channel === 'phone') {
    const digits = value.replace(/^\+86/, '');
    if (/^\d{7,}$/.test(digits)) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  }
  if (channel === 'email') {
    const at = value.indexOf('@');
    if (at > 0) return `${value[0]}***${value.slice(at)}`;
  }
  if (value.length <= 4) return '****';
  return `${value.slice(0, 2)}****${value.slice(-2)}`;
}
