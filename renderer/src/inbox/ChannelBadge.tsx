import { useTranslation } from 'react-i18next';
import type { Channel } from '../../../shared/domain/types';

/** A coloured, labelled channel mark: colour helps scanning, the word carries meaning. */
export function ChannelBadge({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  return (
    <span className={`channel-badge channel-${channel}`} title={t(`channel.${channel}`)} data-channel={channel}>
      {t(`channelShort.${channel}`)}
    </span>
  );
}
