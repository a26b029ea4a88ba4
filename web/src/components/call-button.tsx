import { useState } from 'preact/hooks';
import { api, problemOf, type Who } from '../api.js';
import { t } from '../i18n.js';

/**
 * Click-to-call (POST /api/calls): the signed-in manager's phone rings first, and when he
 * answers it calls the client. Only a manager has a phone to ring, so only he gets the button.
 */
export function CallButton({ who, target }: { who: Who; target: { phone: string } | { leadId: string } }) {
  const action = 'leadId' in target ? 'call-lead' : 'call-back';
  const [state, setState] = useState<'idle' | 'ringing' | { error: string }>('idle');
  if (who.role !== 'manager' || !who.extension) return null;
  const call = async () => {
    setState('ringing');
    try {
      await api('/api/calls', { method: 'POST', body: { manager: who.extension, ...target } });
      // The phone rings now; the button comes back for a next try after a while.
      setTimeout(() => setState('idle'), 8000);
    } catch (err) {
      setState({ error: problemOf(err) });
    }
  };
  return (
    <span class="call-button">
      <button class="small" data-call-button data-action={action} disabled={state === 'ringing'} onClick={() => void call()}>
        {t('call.button')}
      </button>
      {state === 'ringing' && <span class="quiet"> {t('call.ringing')}</span>}
      {typeof state === 'object' && <span class="error" role="alert"> {state.error}</span>}
    </span>
  );
}
