/* Programme dashboard for the finance bureau. Plain browser JavaScript (ES modules), no build step.
 *
 * Every figure comes from one GraphQL query (programmeMetrics + institutions) sent with the
 * signed-in user's token. Every displayed number carries a data-testid and its raw API value in
 * data-value, so a test (or an auditor) can compare the page with the API. No innerHTML: text
 * from the API is only ever set with textContent.
 */

import { exportCsv } from './csv.js';
import { $ } from './dom.js';
import { load } from './load.js';
import { showSignedIn, signIn, signOut, TOKEN_KEY } from './session.js';
import { state } from './state.js';

function init() {
  $('signin-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  $('filters').addEventListener('change', () => load());
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  // A reset changes the controls after the event; re-query once it has.
  $('filters').addEventListener('reset', () => setTimeout(load, 0));
  $('export-csv').addEventListener('click', exportCsv);

  let saved = null;
  try {
    saved = sessionStorage.getItem(TOKEN_KEY);
  } catch {
    /* ignore */
  }
  if (saved) {
    state.token = saved;
    showSignedIn();
    load();
  } else {
    document.body.dataset.state = 'signed-out';
    $('token-input').focus();
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
