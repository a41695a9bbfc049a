// RagPlatform web UI: plain DOM, no build step. Talks to the gateway's /v1 API with the key the user enters
// (kept in this browser's localStorage), streams answers over server-sent events read with fetch, and never
// inserts server text as HTML (textContent only), so a document cannot script the page.
'use strict';

const $ = (id) => document.getElementById(id);
const state = { key: localStorage.getItem('rag.apiKey') || '', citations: [], polling: null };

function headers(extra) {
  return Object.assign({ Authorization: `Bearer ${state.key}` }, extra || {});
}

async function api(path, options) {
  const response = await fetch(path, Object.assign({}, options, { headers: headers(options && options.headers) }));
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try { const problem = await response.json(); detail = problem.detail || problem.title || detail; } catch { /* not JSON */ }
    throw new Error(detail);
  }
  return response.status === 204 ? null : response.json();
}

function setStatus(id, text, isError) {
  const element = $(id);
  element.textContent = text;
  element.classList.toggle('error', Boolean(isError));
}

async function loadCollections() {
  const select = $('collection');
  const previous = select.value || localStorage.getItem('rag.collection');
  const { collections } = await api('/v1/collections');
  select.replaceChildren(...collections.map((c) => {
    const option = document.createElement('option');
    option.value = c.name;
    option.textContent = `${c.name} (${c.documentCount} documents)`;
    return option;
  }));
  if (collections.some((c) => c.name === previous)) select.value = previous;
  await loadDocuments();
}

async function loadModels() {
  try {
    const models = await api('/v1/models');
    const forged = models.services.filter((s) => s.forged).map((s) => s.role);
    $('models-note').textContent = forged.length === 0 ? '' : `Forged test models (seeded random weights): ${forged.join(', ')}. ` +
      'A forged reranker is skipped and a forged generator gives way to extractive answers, quoted from your documents; ' +
      'a forged embedder makes retrieval noise.';
    $('models-note').hidden = forged.length === 0;
  } catch { /* the orchestrator may still be starting; answers also say when forged models shaped them */ }
}

async function connect() {
  try {
    await loadCollections();
    setStatus('key-status', 'connected');
    await loadModels();
  } catch (error) {
    setStatus('key-status', error.message, true);
  }
}

// Server-sent events over fetch (EventSource cannot send an Authorization header).
async function* readEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      yield { name, data: JSON.parse(data.join('\n')) };
    }
  }
}

function renderAnswer(text) {
  // Citation markers become links to their passage; everything else stays text.
  const answer = $('answer');
  answer.replaceChildren();
  let last = 0;
  for (const match of text.matchAll(/\[(\d+(?:,\s*\d+)*)\]/g)) {
    answer.append(text.slice(last, match.index));
    const numbers = match[1].split(',').map((n) => Number(n.trim()));
    answer.append('[');
    numbers.forEach((n, i) => {
      if (i > 0) answer.append(', ');
      const link = document.createElement('a');
      link.textContent = String(n);
      link.dataset.n = String(n);
      link.addEventListener('click', () => showPassage(n));
      answer.append(link);
    });
    answer.append(']');
    last = match.index + match[0].length;
  }
  answer.append(text.slice(last));
}

function showPassage(n) {
  const citation = state.citations.find((c) => c.n === n);
  if (!citation) return;
  $('passage').hidden = false;
  $('passage-title').textContent = `[${citation.n}] ${citation.documentId}`;
  $('passage-where').textContent = `${citation.section || citation.title || ''} · characters ${citation.start}–${citation.end} · score ${citation.score.toFixed(3)}`;
  $('passage-text').textContent = citation.text;
}

function renderCitations(citations) {
  state.citations = citations;
  $('citations').replaceChildren(...citations.map((c) => {
    const item = document.createElement('li');
    item.value = c.n;
    item.className = c.referenced ? 'referenced' : 'unreferenced';
    const link = document.createElement('a');
    link.textContent = `${c.documentId}${c.section ? ` — ${c.section}` : ''}`;
    link.addEventListener('click', () => showPassage(c.n));
    item.append(link, c.referenced ? '' : ' (offered, not cited)');
    return item;
  }));
}

function renderDone(done) {
  const kind = done.answerKind === 'extractive' ? 'extractive answer: each sentence quoted from the passage it cites' : 'generative answer';
  const parts = [kind, `${done.timings.totalMs.toFixed(0)} ms`, `first token ${done.timings.firstTokenMs.toFixed(0)} ms`,
    `${done.usage.promptPassages} passages`];
  if (done.answerKind !== 'extractive') parts.push(`${done.usage.completionTokens} tokens`);
  if (done.degraded.length) parts.push(`degraded: ${done.degraded.join(', ')}`);
  $('answer-meta').textContent = parts.join(' · ');
  const skipped = done.skipped || [];
  $('skipped-note').textContent = skipped.map((s) => `Skipped ${s.stage}: ${s.reason}.`).join(' ');
  $('skipped-note').hidden = skipped.length === 0;
  $('forged-warning').hidden = !done.forgedModels;
}

async function ask(event) {
  event.preventDefault();
  const question = $('question').value.trim();
  if (!question) return;
  localStorage.setItem('rag.collection', $('collection').value);
  $('ask').disabled = true;
  $('passage').hidden = true;
  $('answer-meta').textContent = '';
  $('skipped-note').hidden = true;
  renderCitations([]);
  renderAnswer('');
  setStatus('ask-status', 'thinking…');
  let text = '';
  try {
    const response = await fetch('/v1/ask', {
      method: 'POST',
      headers: headers({ 'Content-Type': 'application/json', Accept: 'text/event-stream' }),
      body: JSON.stringify({
        collection: $('collection').value, question, mode: $('mode').value,
        ...($('answer-kind').value === 'auto' ? {} : { answer: $('answer-kind').value }),
      }),
    });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      throw new Error(problem.detail || `${response.status} ${response.statusText}`);
    }
    for await (const { name, data } of readEvents(response)) {
      if (name === 'token') { text += data.text; renderAnswer(text); }
      else if (name === 'citations') renderCitations(data);
      else if (name === 'done') renderDone(data);
      else if (name === 'error') throw new Error(data.detail || 'the answer failed');
    }
    setStatus('ask-status', '');
  } catch (error) {
    setStatus('ask-status', error.message, true);
  } finally {
    $('ask').disabled = false;
  }
}

async function loadDocuments() {
  const collection = $('collection').value;
  if (!collection) { $('documents').replaceChildren(); return; }
  const { documents } = await api(`/v1/collections/${encodeURIComponent(collection)}/documents?pageSize=1000`);
  $('documents').replaceChildren(...documents.map((d) => {
    const row = document.createElement('tr');
    for (const [value, className] of [[d.documentId], [d.state, `state-${d.state}`], [String(d.chunkCount)], [d.error || '']]) {
      const cell = document.createElement('td');
      cell.textContent = value;
      if (className) cell.className = className;
      row.append(cell);
    }
    return row;
  }));
  const pending = documents.some((d) => d.state === 'queued' || d.state === 'indexing');
  clearTimeout(state.polling);
  if (pending) state.polling = setTimeout(() => loadDocuments().catch(() => {}), 1500);
}

async function upload(event) {
  event.preventDefault();
  const files = $('upload-file').files;
  if (!files.length) return;
  const form = new FormData();
  for (const file of files) form.append('file', file, file.name);
  setStatus('upload-status', 'uploading…');
  try {
    const result = await api(`/v1/collections/${encodeURIComponent($('collection').value)}/documents`, { method: 'POST', body: form });
    setStatus('upload-status', `${result.documents.length} queued`);
    $('upload-file').value = '';
    await loadDocuments();
  } catch (error) {
    setStatus('upload-status', error.message, true);
  }
}

async function createCollection(event) {
  event.preventDefault();
  const name = $('new-collection').value.trim();
  if (!name) return;
  try {
    await api('/v1/collections', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name }) });
    $('new-collection').value = '';
    localStorage.setItem('rag.collection', name);
    await loadCollections();
  } catch (error) {
    setStatus('upload-status', error.message, true);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('api-key').value = state.key;
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.key = $('api-key').value.trim();
    localStorage.setItem('rag.apiKey', state.key);
    connect();
  });
  $('ask-form').addEventListener('submit', ask);
  $('upload-form').addEventListener('submit', upload);
  $('collection-form').addEventListener('submit', createCollection);
  $('collection').addEventListener('change', () => loadDocuments().catch(() => {}));
  if (state.key) connect();
});
