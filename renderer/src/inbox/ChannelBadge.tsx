import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel } from '../../../shared/domain/types';

/** One small line icon per channel (16×16, drawn in the badge's text colour). */
const ICONS: Record<Channel, ReactElement> = {
  webchat: <path d="M2 2.5h12v8.5H7l-3.5 3v-3H2z" />,
  wechat: (
    <>
      <path d="M1.5 2.5h8.5v6H5L3 10.5v-2H1.5z" />
      <path d="M12 6h2.5v5.5H13v2l-2-2H7.5V10" />
    </>
  ),
  wecom: (
    <>
      <path d="M1.5 2.5h9v6.5H5.5L3 11V9H1.5z" />
      <rect x="9.5" y="9.5" width="5" height="5" rx="1" />
    </>
  ),
  sms: (
    <>
      <rect x="4" y="1.5" width="8" height="13" rx="1.5" />
      <path d="M6.5 12.2h3" />
    </>
  ),
  email: (
    <>
      <rect x="1.5" y="3.5" width="13" height="9" rx="1" />
      <path d="M1.8 4l6.2 5 6.2-5" />
    </>
  ),
  phone: <path d="M3.5 1.5l3 1 .8 3-1.8 1.2a8 8 0 0 0 3.8 3.8l1.2-1.8 3 .8 1 3-1.8 1.8C6.5 15 1 9.5 1.7 3.3z" />,
  device: (
    <>
      <rect x="3.5" y="1.5" width="9" height="13" rx="2" />
      <rect x="5.5" y="3.5" width="5" height="4" />
      <path d="M6 11h4" />
    </>
  ),
};

/**
 * A coloured, labelled channel mark: the icon and colour help scanning, the word carries
 * meaning. No hooks: the inbox rows pass words computed once per language.
 */
export function ChannelMark({ channel, name, short }: { channel: Channel; name: string; short: string }) {
  return (
    <span className={`channel-badge channel-${channel}`} title={name} data-channel={channel}>
      <svg className="channel-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        {ICONS[channel]}
      </svg>
      {short}
    </span>
  );
}

export function ChannelBadge({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  return <ChannelMark channel={channel} name={t(`channel.${channel}`)} short={t(`channelShort.${channel}`)} />;
}
