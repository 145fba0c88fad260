// Sign-in screen: the first sign-in needs the network; afterwards the phone works offline.
import { signIn } from '../auth/session.js';
import { t } from '../i18n/index.js';
import { h, show } from './dom.js';

export function renderSignIn({ onSignedIn }) {
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'sign-in-error' });
  const username = h('input', {
    id: 'username',
    name: 'username',
    autocomplete: 'username',
    required: true,
    autocapitalize: 'none',
  });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const button = h('button', { type: 'submit', class: 'big primary' }, t('sign_in'));
  const form = h(
    'form',
    {
      class: 'stack',
      async onsubmit(event) {
        event.preventDefault();
        button.disabled = true;
        button.textContent = t('signing_in');
        error.textContent = '';
        try {
          const session = await signIn(username.value.trim(), password.value);
          button.textContent = t('downloading_pack');
          await onSignedIn(session);
        } catch (failure) {
          error.textContent = failure.status ? t('sign_in_failed') : t('sign_in_offline');
          button.disabled = false;
          button.textContent = t('sign_in');
        }
      },
    },
    h('label', { for: 'username' }, t('username')),
    username,
    h('label', { for: 'password' }, t('password')),
    password,
    button,
    error,
  );
  show(h('section', { class: 'screen' }, h('h1', {}, t('app_name')), form));
}
