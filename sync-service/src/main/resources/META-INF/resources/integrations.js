// The integrations page: the shop's sync in detail (live while running), its failed events with replay, and the
// full sync behind the Advanced toggle and a confirmation.
(async () => {
  "use strict";
  const shop = await crm.ready();
  const base = `/api/shops/${encodeURIComponent(shop)}`;
  const text = (id, value) => { document.getElementById(id).textContent = value; };
  const when = (instant) => (instant ? new Date(instant).toLocaleString() : "never");
  const stateWords = { idle: "Up to date", running: "Syncing", stale: "Stale", error: "Failed" };
  let deadLetterCount = null;

  const progress = (entry, noun) => (entry ? `Synced ${crm.count(entry, noun)}` : "—");

  crm.onStatus((status) => {
    const state = document.getElementById("sync-state");
    state.textContent = stateWords[status.state] || status.state;
    state.className = `state-${status.state}`;
    text("sync-reason", status.reason || "—");
    text("last-success", when(status.lastSuccessfulSyncAt));
    text("customers-progress", progress(status.customers, "customers"));
    text("orders-progress", progress(status.orders, "orders"));
    text("sync-summary", status.state === "running" ? `${status.mode} sync running since ${when(status.startedAt)}`
      : status.summary || status.failureReason || "—");
    document.getElementById("sync-warnings").innerHTML = (status.warnings || []).map((w) => `<li>${crm.escape(w)}</li>`).join("");
    document.getElementById("force-full-sync").disabled = status.state === "running";
    if (status.deadLetterCount !== deadLetterCount) {
      deadLetterCount = status.deadLetterCount;
      text("dead-letter-count", crm.number.format(deadLetterCount));
      loadDeadLetters();
    }
  });

  async function loadDeadLetters() {
    const page = await (await crm.api(`${base}/dead-letters?size=50`)).json();
    document.getElementById("dead-letters").innerHTML = page.items.length
      ? page.items.map((letter) => `<tr>
          <td>${crm.escape(letter.topic)}</td><td>${crm.escape(letter.reason)}</td><td>${letter.attempts}</td>
          <td>${crm.escape(new Date(letter.lastFailedAt).toLocaleString())}</td>
          <td>${letter.replayable
            ? `<button type="button" data-replay="${crm.escape(letter.id)}">Replay<span class="visually-hidden"> ${crm.escape(letter.topic)} event ${crm.escape(letter.id)}</span></button>`
            : `<span class="muted">Line ${crm.escape(letter.deliveryHeaders.line)}: read again by the next sync once fixed in Shopify</span>`}</td></tr>`).join("")
      : `<tr><td colspan="5" class="muted">No failed events.</td></tr>`;
    document.getElementById("replay-all").disabled = page.items.length === 0;
  }

  document.getElementById("dead-letters").addEventListener("click", async (event) => {
    const id = event.target.closest("button[data-replay]")?.dataset.replay;
    if (id) {
      const response = await crm.api(`${base}/dead-letters/${id}/replay`, { method: "POST" });
      crm.toast(response.ok ? "The event was sent again." : `Replay failed (HTTP ${response.status}).`, response.ok ? "info" : "failure");
      loadDeadLetters();
    }
  });
  document.getElementById("replay-all").addEventListener("click", async () => {
    const response = await crm.api(`${base}/dead-letters/replay`, { method: "POST" });
    const body = response.ok ? await response.json() : null;
    crm.toast(body ? `${body.replayed} events sent again.` : `Replay failed (HTTP ${response.status}).`, body ? "info" : "failure");
    loadDeadLetters();
  });

  const toggle = document.getElementById("advanced-toggle");
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    document.getElementById("advanced").hidden = !open;
  });
  const confirmation = document.getElementById("confirm-full-sync");
  document.getElementById("force-full-sync").addEventListener("click", () => {
    confirmation.returnValue = "";
    confirmation.showModal();
  });
  confirmation.addEventListener("close", () => {
    if (confirmation.returnValue === "confirm") {
      crm.syncNow(true);
    }
  });
})();
