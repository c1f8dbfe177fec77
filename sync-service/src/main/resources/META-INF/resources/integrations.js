// The integrations page: connecting a store, the shop's sync in detail (live while running, with its progress bars
// and receipt), its history, its failed events with replay, its customers' data requests with their exports, and the
// full sync behind the Advanced toggle and a confirmation.
(async () => {
  "use strict";
  const shop = await crm.ready();
  const text = (id, value) => { document.getElementById(id).textContent = value; };

  // Connecting a store (or reconnecting this one): Shopify's authorization page, then back here.
  async function connect(domain) {
    const error = document.getElementById("connect-error");
    error.textContent = "";
    const response = await crm.api("/api/shops/connect", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ shop: domain }),
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      location.assign(body.authorizeUrl);
    } else {
      error.textContent = body.error || `The store could not be connected (HTTP ${response.status}).`;
    }
  }
  document.getElementById("connect-form").addEventListener("submit", (event) => {
    event.preventDefault();
    connect(document.getElementById("connect-shop").value.trim().toLowerCase());
  });
  document.getElementById("reconnect").addEventListener("click", () => connect(shop));

  if (!shop) {
    text("sync-state", "No shop yet: connect one below");
    return;
  }
  text("sync-shop", shop);
  const base = `/api/shops/${encodeURIComponent(shop)}`;
  const when = (instant) => (instant ? new Date(instant).toLocaleString() : "never");
  const stateWords = { idle: "Up to date", running: "Syncing", stale: "Stale", error: "Failed", disconnected: "Disconnected" };
  let deadLetterCount = null;
  let receiptRun = undefined;

  const progress = (entry, noun) => (entry ? `Synced ${crm.count(entry, noun)}` : "—");

  function bar(id, entry, running) {
    const element = document.getElementById(id);
    element.hidden = !(running && entry && entry.total);
    if (!element.hidden) {
      element.max = entry.total;
      element.value = Math.min(entry.synced, entry.total);
    }
  }

  // "Shopify 5,000 / CRM 5,000" and what explains a difference.
  function receiptText(counts) {
    if (!counts) {
      return "—";
    }
    const explained = [["quarantined", counts.quarantined], ["dead-lettered", counts.deadLettered],
      ["outside the 60-day window", counts.outsideWindow], ["changed during the sync", counts.changedDuringSync]]
      .filter(([, n]) => n).map(([what, n]) => `${crm.number.format(n)} ${what}`);
    const unexplained = counts.unexplained
      ? `; ${crm.number.format(Math.abs(counts.unexplained))} ${counts.unexplained > 0 ? "extra" : "missing"} unexplained` : "";
    return `${crm.number.format(counts.shopify)} / ${crm.number.format(counts.crm)}${explained.length ? ` (${explained.join(", ")})` : ""}${unexplained}`;
  }

  crm.onStatus((status) => {
    const state = document.getElementById("sync-state");
    state.textContent = stateWords[status.state] || status.state;
    state.className = `state-${status.state}`;
    // an uninstalled shop is connected again the same way as one whose token Shopify refused
    document.getElementById("reconnect").hidden = status.connection !== "reconnect" && status.connection !== "disconnected";
    text("sync-reason", status.reason || "—");
    text("last-success", when(status.lastSuccessfulSyncAt));
    text("customers-progress", progress(status.customers, "customers"));
    text("orders-progress", progress(status.orders, "orders"));
    bar("customers-bar", status.customers, status.state === "running");
    bar("orders-bar", status.orders, status.state === "running");
    text("sync-summary", status.state === "running" ? `${status.mode} sync running since ${when(status.startedAt)}`
      : status.summary || status.failureReason || "—");
    const receipt = status.receipt;
    text("sync-receipt", receipt ? `Customers ${receiptText(receipt.customers)}; orders ${receiptText(receipt.orders)}` : "—");
    document.getElementById("sync-receipt").className = receipt && receipt.unexplained ? "state-error" : "";
    document.getElementById("sync-warnings").innerHTML = (status.warnings || []).map((w) => `<li>${crm.escape(w)}</li>`).join("");
    document.getElementById("force-full-sync").disabled = status.state === "running";
    if (status.deadLetterCount !== deadLetterCount) {
      deadLetterCount = status.deadLetterCount;
      text("dead-letter-count", crm.number.format(deadLetterCount));
      loadDeadLetters();
    }
    const latestRun = `${status.runId}:${status.state}:${receipt ? receipt.runId : ""}`;
    if (latestRun !== receiptRun) {
      receiptRun = latestRun;
      loadRuns();
    }
  });

  async function loadRuns() {
    const page = await (await crm.api(`${base}/sync/runs?size=10`)).json();
    document.getElementById("sync-runs").innerHTML = page.items.length
      ? page.items.map((run) => `<tr>
          <td>${crm.escape(when(run.startedAt))}</td>
          <td>${crm.escape(run.mode)}${run.trigger ? ` <span class="muted">(${crm.escape(run.trigger)})</span>` : ""}</td>
          <td class="${run.state === "failed" ? "state-error" : ""}">${crm.escape(run.state === "running" ? "running" : run.summary || run.failureReason || run.state)}</td>
          <td>${crm.escape(run.receipt ? receiptText(run.receipt.customers) : "—")}</td>
          <td>${crm.escape(run.receipt ? receiptText(run.receipt.orders) : "—")}</td></tr>`).join("")
      : `<tr><td colspan="5" class="muted">No sync yet.</td></tr>`;
  }

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

  // Customers' data requests (customers/data_request): each export is read when downloaded. The API needs the bearer
  // token, so a plain link cannot fetch it: the file comes through crm.api and is handed to the browser as a Blob.
  async function loadDataRequests() {
    const requests = await (await crm.api(`${base}/data-requests`)).json();
    const now = Date.now();
    document.getElementById("data-requests").innerHTML = requests.length
      ? requests.map((request) => {
          const overdue = new Date(request.dueBy).getTime() < now;
          return `<tr>
          <td>${crm.escape(when(request.receivedAt))}</td><td>${crm.escape(request.customerId)}</td>
          <td>${crm.number.format(request.ordersRequested.length)}</td>
          <td class="${overdue ? "state-error" : ""}">${crm.escape(new Date(request.dueBy).toLocaleDateString())}${overdue ? " (overdue)" : ""}</td>
          <td><button type="button" data-export="${crm.escape(request.id)}">Download<span class="visually-hidden"> the data of customer ${crm.escape(request.customerId)}</span></button></td></tr>`;
        }).join("")
      : `<tr><td colspan="5" class="muted">No data requests.</td></tr>`;
  }

  async function download(id) {
    const response = await crm.api(`${base}/data-requests/${encodeURIComponent(id)}`);
    if (!response.ok) {
      crm.toast(`The export could not be downloaded (HTTP ${response.status}).`, "failure");
      return;
    }
    const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement("a");
    link.href = url;
    link.download = named ? named[1] : `data-request-${id}.json`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  document.getElementById("data-requests").addEventListener("click", (event) => {
    const id = event.target.closest("button[data-export]")?.dataset.export;
    if (id) {
      download(id);
    }
  });
  loadDataRequests();

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
