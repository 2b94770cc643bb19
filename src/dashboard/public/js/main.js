/* Programme dashboard for the finance bureau. Plain browser JavaScript (ES modules), no build step.
 *
 * Every figure comes from one GraphQL query (programmeMetrics + institutions) sent with the
 * signed-in user's token. Every displayed number carries a data-testid and its raw API value in
 * data-value, so a test (or an auditor) can compare the page with the API. No innerHTML: text
 * from the API is only ever set with textContent.
 */

import { exportCsv } from './csv.js';
import { $ } from './dom.js';
import { initFilters, resetFilters } from './filters.js';
import { load } from './load.js';
import { completeOidc, initSession, loadSignInOptions, showSignedIn, TOKEN_KEY } from './session.js';
import { state } from './state.js';

async function init() {
  initSession();
  initFilters(() => load());
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  $('reset-filters').addEventListener('click', () => {
    resetFilters();
    load();
  });
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
  await loadSignInOptions();
  // back from the OpenID provider: the code in the address becomes the session's token
  if (!saved) await completeOidc();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void init());
else void init();
