// livedrop's own web client: the public GraphQL API (API.md) over fetch and graphql-transport-ws.
const DROP = `id status startsAt initialStock remainingStock priceCents currency
  product { id name } creator { id name viewerFollows }`;
const LIVE_DROPS = `liveDrops(first: 20) { edges { node { ${DROP} } } }`;
const CREATOR_DROPS = `query($id: ID!) { creator(id: $id) { drops(first: 20) { edges { node { ${DROP} } } } } }`;
const RETRYABLE = new Set(['UNAVAILABLE', 'RATE_LIMITED']);

const $ = (selector, root = document) => root.querySelector(selector);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const state = {
  token: sessionStorage.getItem('livedrop.token'),
  user: sessionStorage.getItem('livedrop.user'),
  creator: sessionStorage.getItem('livedrop.creator') === 'true',
  ws: null,
  subscriptions: new Set(), // every live subscription, opened again on a new client
  watched: new Map(),   // drop id -> unsubscribe of its dropUpdates
  history: new Map(),   // drop id -> [{at, remaining}] for the creator's sold-per-second
};

// ---------------------------------------------------------------- transport

/**
 * One GraphQL request. UNAVAILABLE, RATE_LIMITED and a lost answer are retried with backoff, resending the same
 * variables (so the same idempotency key); a mutation that is not idempotent passes {@code retryOn} with only
 * RATE_LIMITED (refused before anything was written).
 */
async function gql(query, variables = {}, { retries = 6, retryOn = RETRYABLE } = {}) {
  for (let attempt = 0; ; attempt++) {
    let body;
    try {
      const res = await fetch('/graphql', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(state.token ? { Authorization: `Bearer ${state.token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      body = await res.json();
    } catch (e) {
      body = { errors: [{ message: `the server did not answer (${e.message})`, extensions: { code: 'UNAVAILABLE' } }] };
    }
    const error = body.errors && body.errors[0];
    if (!error) {
      notice(null);
      return body.data;
    }
    const code = error.extensions && error.extensions.code;
    if (code === 'UNAUTHENTICATED' && state.token) {
      sessionEnded();
    }
    if (retryOn.has(code) && attempt < retries) {
      const wait = Math.min(8000, 500 * 2 ** attempt);
      const why = code === 'RATE_LIMITED' ? 'Too many requests' : 'The service is unavailable';
      console.info(`${why} (${error.message}); retry ${attempt + 1} of ${retries} in ${wait} ms`);
      notice(`${why}; retrying in ${(wait / 1000).toFixed(1)} s…`);
      await sleep(wait);
      continue;
    }
    notice(null);
    throw Object.assign(new Error(error.message), { code });
  }
}

/**
 * Where the GraphQL WebSocket is: the edge, on its own port or behind its public URL (GET /app/edge), asked again on
 * every (re)connect, so a page outliving a restart with another port still finds it.
 */
async function edgeUrl() {
  const res = await fetch('/app/edge', { cache: 'no-store' });
  if (!res.ok) throw new Error(`GET /app/edge: ${res.status}`);
  const edge = await res.json();
  return edge.url || `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.hostname}:${edge.port}/graphql`;
}

/**
 * The WebSocket client. graphql-ws reconnects and resubscribes by itself after a dropped socket; on a close it treats
 * as fatal (it then gives up) the page makes a new client after a pause and subscribes everything again. Events of a
 * client that was replaced are ignored, so an old socket closing late cannot mark the page offline.
 */
function connect() {
  if (state.ws) state.ws.dispose();
  badge('connecting…', 'reconnecting');
  let client = null; // set once createClient returns; it may emit events before that
  let socket = null;
  let pongTimeout = null;
  let connections = 0;
  client = graphqlWs.createClient({
    url: edgeUrl,
    connectionParams: () => (state.token ? { Authorization: `Bearer ${state.token}` } : {}),
    lazy: false,
    keepAlive: 10000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: (retries) => sleep(Math.min(5000, 250 * 2 ** retries)),
    onNonLazyError: (e) => {
      if (state.ws !== client) return;
      if (e && e.code === 4401) {
        sessionEnded();
        return;
      }
      console.warn('live updates stopped; starting again in 2 s', e);
      badge('reconnecting…', 'reconnecting');
      setTimeout(() => state.ws === client && connect(), 2000);
    },
    on: {
      connecting: () => state.ws === client && badge('connecting…', 'reconnecting'),
      connected: (s) => {
        socket = s;
        if (state.ws !== client) return;
        badge('live', 'live');
        // what happened while the socket was down (a drop that started, stock that moved) is read again
        if (connections++ > 0 && state.user) refreshLive().catch((e) => console.warn('could not refresh', e));
      },
      closed: () => {
        clearTimeout(pongTimeout);
        if (state.ws === client) badge('reconnecting…', 'reconnecting');
      },
      // keepAlive only sends pings: a socket whose pong does not come back in 5 s is half-open; closing it with
      // 4408 makes graphql-ws reconnect
      ping: (received) => {
        if (received) return;
        pongTimeout = setTimeout(() => socket?.readyState === WebSocket.OPEN && socket.close(4408, 'Pong timeout'), 5000);
      },
      pong: (received) => received && clearTimeout(pongTimeout),
    },
  });
  state.ws = client;
  state.subscriptions.forEach(open);
}

/** A subscription kept for the page's lifetime (or until the returned function is called), across clients. */
function subscribe(query, variables, onData) {
  const sub = { query, variables, onData, stop: null };
  state.subscriptions.add(sub);
  open(sub);
  return () => {
    state.subscriptions.delete(sub);
    sub.stop?.();
  };
}

/**
 * Opens a subscription on the current client. A GraphQL error ends only that subscription (graphql-ws does not
 * retry it): it is opened again after a pause. A closed socket is the client's to handle (it resubscribes).
 */
function open(sub, attempt = 0) {
  const handle = {};
  sub.handle = handle;
  sub.stop = state.ws.subscribe({ query: sub.query, variables: sub.variables }, {
    next: (result) => {
      if (sub.handle !== handle) return;
      attempt = 0;
      if (result.data) sub.onData(result.data);
    },
    error: (e) => {
      if (sub.handle !== handle || !state.subscriptions.has(sub) || !Array.isArray(e)) return;
      const wait = Math.min(10000, 1000 * 2 ** attempt);
      console.warn(`subscription ended with an error; opening it again in ${wait} ms`, e);
      setTimeout(() => sub.handle === handle && state.subscriptions.has(sub) && open(sub, attempt + 1), wait);
    },
    complete: () => {},
  });
}

// ---------------------------------------------------------------- bits of page

function badge(text, kind) {
  const b = $('#connection');
  b.textContent = text;
  b.className = `badge ${kind}`;
}

function notice(text) {
  const n = $('#notice');
  n.hidden = !text;
  n.textContent = text || '';
}

function toast(text) {
  const t = document.createElement('div');
  t.className = 'toast';
  t.textContent = text;
  $('#toasts').append(t);
  setTimeout(() => t.remove(), 8000);
}

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

const money = (d) => new Intl.NumberFormat(undefined, { style: 'currency', currency: d.currency || 'USD' }).format(d.priceCents / 100);

function el(html) {
  const t = document.createElement('template');
  t.innerHTML = html.trim();
  return t.content.firstElementChild;
}

const text = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const nodes = (connection) => (connection ? connection.edges.map((e) => e.node) : []);
const cardOf = (dropId) => `.card[data-drop-id="${CSS.escape(dropId)}"]`;

// ---------------------------------------------------------------- drops

function card(drop, kind) {
  const c = el(`<div class="card" data-drop-id="${text(drop.id)}">
    <span class="status"></span>
    <h3>${text(drop.product.name)}</h3>
    <div>by <b>${text(drop.creator.name)}</b> <button class="follow" data-creator-id="${text(drop.creator.id)}">Follow</button></div>
    <div><span class="stock"></span> <span class="of">of ${drop.initialStock} left</span> · ${money(drop)}</div>
    <div class="starts"></div>
    <div class="rate"></div>
    <button class="buy">Buy 1</button>
    <div class="result" role="status"></div>
  </div>`);
  if (kind === 'creator') {
    c.querySelector('.buy').remove();
    c.querySelector('.follow').remove();
  } else {
    c.querySelector('.rate').remove();
    c.querySelector('.buy').addEventListener('click', (e) => buy(e.currentTarget, drop.id));
    c.querySelector('.follow').addEventListener('click', () => follow(drop.creator.id));
  }
  show(c, drop);
  remember(drop);
  return c;
}

function show(c, drop) {
  c.querySelector('.status').textContent = drop.status;
  c.querySelector('.status').className = `status ${drop.status}`;
  c.querySelector('.stock').textContent = drop.remainingStock;
  c.querySelector('.starts').textContent = drop.status === 'SCHEDULED'
    ? `starts ${new Date(drop.startsAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}` : '';
  const buy = c.querySelector('.buy');
  // an order that may have been placed can be retried (same key) whatever the drop's status
  if (buy && !buy.dataset.busy) buy.disabled = drop.status !== 'LIVE' && !buy.dataset.retryKey;
  const f = c.querySelector('.follow');
  if (f) f.hidden = !!drop.creator.viewerFollows || drop.creator.id === state.user;
}

/** Follows a drop's stock and status live; every card of the drop on the page shows it. */
function watch(dropId) {
  if (state.watched.has(dropId)) return;
  state.watched.set(dropId, subscribe(`subscription($id: ID!) { dropUpdates(dropId: $id) { at drop { ${DROP} } } }`,
    { id: dropId }, ({ dropUpdates }) => {
      const d = dropUpdates.drop;
      update(d);
      if (d.status === 'SOLD_OUT' || d.status === 'ENDED') {
        // nothing changes any more
        state.watched.get(d.id)?.();
        state.watched.delete(d.id);
      }
    }));
}

/** Shows a drop's latest state everywhere on the page; a drop that went live moves from Upcoming to Live. */
function update(d) {
  document.querySelectorAll(cardOf(d.id)).forEach((c) => show(c, d));
  remember(d);
  if (d.status === 'LIVE') {
    if (document.querySelector(`#upcoming ${cardOf(d.id)}`)) showLive(d);
  } else if (d.status !== 'SCHEDULED') {
    document.querySelector(`#upcoming ${cardOf(d.id)}`)?.remove();
  }
}

/** A live drop: under Live, and no longer under Upcoming. */
function showLive(d) {
  document.querySelector(`#upcoming ${cardOf(d.id)}`)?.remove();
  place('#live', d, 'shopper');
}

/** The drop's stock over the last 10 s (and the last sample before them), for the creator's sold-per-second. */
function remember(d) {
  const now = Date.now();
  const h = state.history.get(d.id) || [];
  let first = 0;
  while (first + 1 < h.length && h[first + 1].at <= now - 10000) first++;
  const kept = h.slice(first);
  kept.push({ at: now, remaining: d.remainingStock });
  state.history.set(d.id, kept);
}

/**
 * The drop's card in {@code container}: the one already there, brought up to date (never replaced: it may hold an
 * order in progress or a key to retry), or a new one, watched live.
 */
function place(container, drop, kind) {
  const box = $(container);
  const existing = box.querySelector(cardOf(drop.id));
  if (existing) {
    // a watched drop's updates are at least as new as any query's answer
    if (!state.watched.has(drop.id)) show(existing, drop);
    return existing;
  }
  box.querySelector('.empty')?.remove();
  const c = card(drop, kind);
  box.prepend(c);
  watch(drop.id);
  return c;
}

// ---------------------------------------------------------------- shopper

/** Drop starts of followed creators: a toast, and the drop under Live. Subscribed before anything is read. */
function listenForStarts() {
  subscribe(`subscription { dropStarted { startedAt drop { ${DROP} } } }`, {}, ({ dropStarted }) => {
    const d = dropStarted.drop;
    toast(`${d.creator.name} just dropped ${d.product.name}`);
    showLive(d);
  });
}

async function loadShopper() {
  const data = await gql(`{ ${LIVE_DROPS}
    me { following(first: 50) { edges { node { id drops(first: 20) { edges { node { ${DROP} } } } } } } } }`);
  nodes(data.liveDrops).reverse().forEach(showLive);
  nodes(data.me.following).flatMap((c) => nodes(c.drops)).forEach(upcoming);
}

/** Live drops read again (after a reconnect: starts and stock changes while the socket was down). */
async function refreshLive() {
  nodes((await gql(`{ ${LIVE_DROPS} }`)).liveDrops).reverse().forEach(showLive);
}

/** A creator's drops, newest first. */
async function creatorDrops(creatorId) {
  return nodes((await gql(CREATOR_DROPS, { id: creatorId })).creator?.drops);
}

/** A drop read from a query: listed under Upcoming if still scheduled (the query may be older than its start). */
function upcoming(d) {
  if (d.status === 'SCHEDULED' && !document.querySelector(`#live ${cardOf(d.id)}`)) {
    place('#upcoming', d, 'shopper');
  }
}

async function follow(creatorId) {
  try {
    const { follow: f } = await gql('mutation($id: ID!) { follow(creatorId: $id) { creator { id name followerCount } } }',
      { id: creatorId });
    const n = f.creator.followerCount;
    toast(`Following ${f.creator.name} (${n} ${n === 1 ? 'follower' : 'followers'})`);
    document.querySelectorAll(`.follow[data-creator-id="${CSS.escape(creatorId)}"]`).forEach((b) => { b.hidden = true; });
    await showUpcoming(creatorId);
  } catch (e) {
    toast(`Could not follow: ${e.message}`);
  }
}

/** A followed creator's scheduled drops, under Upcoming (they move to Live when they start). */
async function showUpcoming(creatorId) {
  (await creatorDrops(creatorId)).forEach(upcoming);
}

/**
 * One click, one idempotency key; the button stays disabled until the order is decided, so a double click is one order.
 * When the retries run out on UNAVAILABLE or RATE_LIMITED the order may still have been placed: the button then offers
 * to retry the same order, under the same key, rather than place another one.
 */
async function buy(button, dropId) {
  if (button.dataset.busy) return;
  button.dataset.busy = 'true';
  button.disabled = true;
  const result = button.parentElement.querySelector('.result');
  const key = button.dataset.retryKey || newKey();
  delete button.dataset.retryKey;
  button.textContent = 'Buy 1';
  result.className = 'result';
  result.textContent = 'Ordering…';
  try {
    let { placeOrder: { order } } = await gql(`mutation($in: PlaceOrderInput!) {
        placeOrder(input: $in) { order { id status rejectReason } } }`, { in: { dropId, quantity: 1, idempotencyKey: key } });
    if (order.status === 'PENDING') {
      result.className = 'result PENDING';
      result.textContent = 'PENDING…';
      order = await decided(order.id);
    }
    result.className = `result ${order.status}`;
    result.textContent = order.status === 'REJECTED' ? `REJECTED: ${order.rejectReason}` : order.status;
    result.dataset.orderId = order.id;
  } catch (e) {
    result.className = 'result error';
    result.textContent = `${e.code || 'ERROR'}: ${e.message}`;
    if (RETRYABLE.has(e.code)) {
      button.dataset.retryKey = key;
      button.textContent = 'Retry this order';
      result.textContent += ' — it may have been placed; retrying it never orders twice.';
    }
  } finally {
    delete button.dataset.busy;
    button.disabled = button.parentElement.querySelector('.status').textContent !== 'LIVE' && !button.dataset.retryKey;
  }
}

/** The order once decided: pushed by orderStatus, and read every 5 s in case a push is missed. */
function decided(orderId) {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (order) => {
      if (done || order.status === 'PENDING') return;
      done = true;
      stop();
      clearInterval(poll);
      clearTimeout(timeout);
      resolve(order);
    };
    const stop = subscribe('subscription($id: ID!) { orderStatus(orderId: $id) { id status rejectReason } }',
      { id: orderId }, ({ orderStatus }) => finish(orderStatus));
    const poll = setInterval(() => gql('query($id: ID!) { order(id: $id) { id status rejectReason } }', { id: orderId },
      { retries: 0 }).then(({ order }) => order && finish(order), () => {}), 5000);
    const timeout = setTimeout(() => {
      done = true;
      stop();
      clearInterval(poll);
      reject(new Error('still pending after 60 s; it is decided once, see your orders later'));
    }, 60000);
  });
}

// ---------------------------------------------------------------- creator

async function loadCreator() {
  const drops = await creatorDrops(state.user);
  drops.reverse().forEach((d) => place('#my-drops', d, 'creator'));
  const products = JSON.parse(sessionStorage.getItem('livedrop.products') || '[]');
  drops.forEach((d) => products.some((p) => p.id === d.product.id) || products.push(d.product));
  products.forEach(addProduct);
}

function addProduct(p) {
  const select = $('#drop-product');
  if (![...select.options].some((o) => o.value === p.id)) select.append(new Option(p.name, p.id));
  const stored = JSON.parse(sessionStorage.getItem('livedrop.products') || '[]');
  if (!stored.some((x) => x.id === p.id)) sessionStorage.setItem('livedrop.products', JSON.stringify([...stored, p]));
}

/**
 * Units sold in the last second (and the peak so far), from the stock the drop's updates showed: the public API
 * has no order counter, and every confirmed order lowers the stock.
 */
setInterval(() => {
  document.querySelectorAll('#my-drops .card').forEach((c) => {
    const h = state.history.get(c.dataset.dropId) || [];
    const now = Date.now();
    const before = [...h].reverse().find((x) => x.at <= now - 1000) || h[0];
    const latest = h[h.length - 1];
    const sold = before && latest ? Math.max(0, before.remaining - latest.remaining) : 0;
    const peak = Math.max(sold, Number(c.dataset.peak || 0));
    c.dataset.peak = peak;
    c.querySelector('.rate').textContent = `${sold} sold in the last second · peak ${peak}/s`;
  });
}, 250);

// ---------------------------------------------------------------- wiring

async function signIn(user, creator) {
  const res = await fetch('/local/token', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user, creator }),
  });
  if (res.status === 404) {
    throw new Error('This server has no local sign-in (it runs without the local profile): use a token from your identity provider with the API.');
  }
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || `sign-in failed (HTTP ${res.status})`);
  Object.assign(state, { token: body.token, user, creator });
  sessionStorage.setItem('livedrop.token', body.token);
  sessionStorage.setItem('livedrop.user', user);
  sessionStorage.setItem('livedrop.creator', String(creator));
}

/** The token was refused (expired, or signed with another secret): a fresh page with the sign-in form. */
function sessionEnded() {
  sessionStorage.clear();
  sessionStorage.setItem('livedrop.ended', 'true');
  location.reload();
}

function switchTo(view) {
  document.querySelectorAll('.view').forEach((v) => { v.hidden = v.id !== view; });
  document.querySelectorAll('.tab').forEach((t) => t.classList.toggle('active', t.dataset.view === view));
}

async function start() {
  $('#who').hidden = !state.user;
  $('#who').textContent = state.user ? `signed in as ${state.user}${state.creator ? ' (creator)' : ''}` : '';
  $('#sign-in').hidden = !!state.user;
  $('#sign-out').hidden = !state.user;
  connect();
  if (sessionStorage.getItem('livedrop.ended')) {
    sessionStorage.removeItem('livedrop.ended');
    notice('Your session has ended: sign in again.');
  }
  if (!state.user) return;
  listenForStarts();
  for (let attempt = 0; state.user; attempt++) {
    try {
      await loadShopper();
      if (state.creator) await loadCreator();
      document.body.dataset.ready = 'true';
      return;
    } catch (e) {
      const wait = Math.min(30, 5 * (attempt + 1));
      notice(`Could not load the drops (${e.message}); trying again in ${wait} s…`);
      await sleep(wait * 1000);
    }
  }
}

/** Runs a form's request with its submit button disabled, so a double click sends it once. */
async function submitting(form, work) {
  const button = form.querySelector('button[type=submit], button:not([type])');
  if (button.disabled) return;
  button.disabled = true;
  try {
    await work();
  } finally {
    button.disabled = false;
  }
}

const productId = () => `p-${newKey().replace(/-/g, '').slice(0, 16)}`;

$('#sign-in').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await signIn($('#user').value.trim(), $('#as-creator').checked);
    await start();
    switchTo(state.creator ? 'creator' : 'shopper');
  } catch (err) {
    notice(err.message);
  }
});
$('#sign-out').addEventListener('click', () => {
  sessionStorage.clear();
  location.reload();
});
$('#follow-form').addEventListener('submit', (e) => {
  e.preventDefault();
  follow($('#follow-id').value.trim());
});
$('#product-form').addEventListener('submit', (e) => {
  e.preventDefault();
  // the page names the product, so a retried upsert (answer lost) updates the same product instead of adding one
  submitting(e.target, async () => {
    try {
      const { upsertProduct } = await gql('mutation($in: ProductInput!) { upsertProduct(input: $in) { id name } }',
        { in: { id: productId(), name: $('#product-name').value.trim() } });
      addProduct(upsertProduct);
      $('#drop-product').value = upsertProduct.id;
      toast(`Product ${upsertProduct.name} created`);
    } catch (err) {
      notice(`Could not create the product: ${err.message}`);
    }
  });
});
$('#drop-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const starts = $('#drop-starts').value;
  // scheduleDrop has no key: it is retried only when refused (RATE_LIMITED), never when its answer may be lost
  submitting(e.target, async () => {
    try {
      const { scheduleDrop } = await gql(`mutation($in: ScheduleDropInput!) { scheduleDrop(input: $in) { ${DROP} } }`, {
        in: {
          productId: $('#drop-product').value, stock: Number($('#drop-stock').value),
          priceCents: Number($('#drop-price').value), startsAt: starts ? new Date(starts).toISOString() : null,
        },
      }, { retryOn: new Set(['RATE_LIMITED']) });
      place('#my-drops', scheduleDrop, 'creator');
      toast(`Drop of ${scheduleDrop.product.name} scheduled`);
    } catch (err) {
      notice(err.code === 'UNAVAILABLE'
        ? `The drop may or may not have been scheduled (${err.message}): My drops is read again; check it before trying again.`
        : `Could not schedule the drop: ${err.message}`);
      if (err.code === 'UNAVAILABLE') loadCreator().catch(() => {});
    }
  });
});
document.querySelectorAll('.tab').forEach((t) => t.addEventListener('click', () => switchTo(t.dataset.view)));
start();
