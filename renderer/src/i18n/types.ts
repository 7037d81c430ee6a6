import type { zhCN } from './zh-CN';

/** Same tree as zh-CN with every leaf a string: en must provide every key. */
type Widen<T> = { readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof zhCN>;
