/** Conversation-level view of per-message sentiment: the series plus a summary. */
import type { Sentiment } from '../types';
import { scoreMessage } from './score';

export interface ConversationSentiment {
  series: Array<{ index: number; level: number; score: number; anxious: boolean }>;
  summary: {
    count: number;
    mean: number;
    min: number;
    /** Least-squares slope of level per message: > 0 improving, < 0 worsening. */
    trend: number;
    shareNegative: number;
    anxious: boolean;
  };
}

const r2 = (x: number) => Math.round(x * 100) / 100;

export function summarise(levels: readonly Sentiment[]): ConversationSentiment {
  const series = levels.map((s, index) => ({ index, level: s.level, score: s.score, anxious: s.anxious }));
  const n = series.length;
  if (!n) return { series, summary: { count: 0, mean: 0, min: 0, trend: 0, shareNegative: 0, anxious: false } };
  const mean = series.reduce((a, s) => a + s.level, 0) / n;
  const xbar = (n - 1) / 2;
  let num = 0;
  let den = 0;
  for (const s of series) {
    num += (s.index - xbar) * (s.level - mean);
    den += (s.index - xbar) ** 2;
  }
  return {
    series,
    summary: {
      count: n,
      mean: r2(mean),
      min: Math.min(...series.map((s) => s.level)),
      trend: den ? r2(num / den) : 0,
      shareNegative: r2(series.filter((s) => s.level < 0).length / n),
      anxious: series[n - 1]!.anxious,
    },
  };
}

export const conversationSentiment = (messages: readonly string[]): ConversationSentiment => summarise(messages.map(scoreMessage));
