import { useEffect, useRef, useState } from 'react';
import type { SyncSnapshotValue } from '../../../shared/contract/sync';
import type { LanternClient } from '../lib/client';

const POLL_MS = 1000;

/**
 * Polls the workstation's sync state (a local call, no network) once a second and
 * reports when the replica changed through sync, so views can refresh.
 */
export function useSync(client: LanternClient, onChange: () => void, onArrived: (a: SyncSnapshotValue['arrived']) => void): SyncSnapshotValue | null {
  const [snap, setSnap] = useState<SyncSnapshotValue | null>(null);
  const version = useRef<number | null>(null);
  const changeRef = useRef(onChange);
  const arrivedRef = useRef(onArrived);
  changeRef.current = onChange;
  arrivedRef.current = onArrived;
  useEffect(() => {
    let alive = true;
    const tick = async () => {
      const r = await client.sync.status();
      if (!alive || !r.ok) return;
      setSnap(r.value);
      if (version.current !== null && r.value.version !== version.current) changeRef.current();
      version.current = r.value.version;
      if (r.value.arrived.length) arrivedRef.current(r.value.arrived);
    };
    void tick();
    const t = setInterval(() => void tick(), POLL_MS);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [client]);
  return snap;
}
