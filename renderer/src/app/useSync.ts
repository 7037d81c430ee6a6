import { useEffect, useRef, useState } from 'react';
import type { SyncSnapshotValue } from '../../../shared/contract/sync';
import type { LanternClient } from '../lib/client';

const POLL_MS = 1000;

type VersionListener = (version: number) => void;
const versionListeners = new Set<VersionListener>();
let lastVersion: number | null = null;

/**
 * Subscribe to the sync indicator's `version` (it moves whenever sync changed the
 * replica): the knowledge engine uses it to fetch `knowledge.changes` without polling
 * on its own. Called at once with the current version when one is known.
 */
export function onSyncVersion(listener: VersionListener): () => void {
  versionListeners.add(listener);
  if (lastVersion !== null) listener(lastVersion);
  return () => versionListeners.delete(listener);
}

/**
 * Polls the workstation's sync state (a local call, no network) once a second and
 * reports when the replica changed through sync, so views can refresh. Starts when
 * `start` is true (the workspace starts it after the inbox's first screenful).
 */
export function useSync(client: LanternClient, onChange: () => void, onArrived: (a: SyncSnapshotValue['arrived']) => void, start = true): SyncSnapshotValue | null {
  const [snap, setSnap] = useState<SyncSnapshotValue | null>(null);
  const version = useRef<number | null>(null);
  const changeRef = useRef(onChange);
  const arrivedRef = useRef(onArrived);
  changeRef.current = onChange;
  arrivedRef.current = onArrived;
  useEffect(() => {
    if (!start) return;
    let alive = true;
    const tick = async () => {
      const r = await client.sync.status();
      if (!alive || !r.ok) return;
      setSnap(r.value);
      if (version.current !== null && r.value.version !== version.current) changeRef.current();
      version.current = r.value.version;
      if (lastVersion !== r.value.version) {
        lastVersion = r.value.version;
        for (const l of versionListeners) l(r.value.version);
      }
      if (r.value.arrived.length) arrivedRef.current(r.value.arrived);
    };
    void tick();
    const t = setInterval(() => void tick(), POLL_MS);
    return () => {
      alive = false;
      lastVersion = null;
      clearInterval(t);
    };
  }, [client, start]);
  return snap;
}
