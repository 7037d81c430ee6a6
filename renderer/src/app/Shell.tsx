import { useCallback, useEffect, useState } from 'react';
import type { LanternClient } from '../lib/client';
import { App } from './App';
import { LockScreen } from './LockScreen';
import { LoginScreen } from './LoginScreen';
import { useIdleLock } from './useIdleLock';

type Info = {
  mode: 'demo' | 'hub';
  hubUrl: string | null;
  user: { id: string; name: string; role: string } | null;
  locked: boolean;
  doNotDisturb: boolean;
  autoLockMinutes: number;
  demoAccounts: { username: string; password: string; role: string; displayName: string }[] | null;
};

export { showsWorkspace } from './startRules';

/** Decides what the user sees: sign-in, the lock screen, or the workspace. */
export function Shell({ client, initial }: { client: LanternClient; initial: Info }) {
  const [info, setInfo] = useState<Info>(initial);
  // The conversation open when the screen locked: unlocking returns to it (its draft is in the replica).
  // Memory only, and forgotten on sign-out.
  const [resumeId, setResumeId] = useState<string | null>(null);
  const refresh = useCallback(async () => {
    const r = await client.session.info();
    if (r.ok) setInfo(r.value);
  }, [client]);
  const lock = useCallback(() => {
    void client.session.lock().then(() => refresh());
  }, [client, refresh]);
  const signOut = useCallback(() => {
    setResumeId(null);
    void client.sync.logout().then(() => refresh());
  }, [client, refresh]);

  const active = !!info.user && !info.locked;
  useIdleLock(info.autoLockMinutes, lock, active);
  useEffect(() => {
    // A locked/signed-out state can also come from the services (e.g. a revoked session).
    const t = setInterval(() => void refresh(), 5000);
    return () => clearInterval(t);
  }, [refresh]);

  if (info.mode === 'hub' && !info.user) return <LoginScreen client={client} hubUrl={info.hubUrl} demoAccounts={info.demoAccounts} onDone={() => void refresh()} />;
  if (info.locked) return <LockScreen client={client} userName={info.user?.name ?? ''} minutes={info.autoLockMinutes} demo={info.mode === 'demo'} onUnlocked={() => void refresh()} onSignOut={signOut} />;
  return <App client={client} mode={info.mode} role={info.user?.role ?? 'agent'} userId={info.user?.id ?? null} onLock={lock} resumeConversationId={resumeId} onSelectedChange={setResumeId} doNotDisturb={info.doNotDisturb} />;
}
