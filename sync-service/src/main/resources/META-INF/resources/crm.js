// The CRM shell every page shares: sign-in with the admin API token, the shop (switchable among every shop the CRM
// syncs), the main nav with the sync indicator and Sync Now, the live status over the WebSocket (reconnecting by
// itself), and toasts.
(() => {
  "use strict";
  const TOKEN_KEY = "crm.apiToken";
  const SHOP_KEY = "crm.shop";
  const statusListeners = [];
  const number = new Intl.NumberFormat("en-US");
  let lastStatus = null;
  let ready;

  const token = () => sessionStorage.getItem(TOKEN_KEY);

  async function api(path, options = {}) {
    const response = await fetch(path, {
      ...options,
      headers: { Accept: "application/json", Authorization: `Bearer ${token()}`, ...(options.headers || {}) },
    });
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      location.reload();
      throw new Error("The API token was refused");
    }
    return response;
  }

  function signIn() {
    return new Promise((resolve) => {
      const dialog = document.createElement("dialog");
      dialog.id = "sign-in";
      dialog.setAttribute("aria-labelledby", "sign-in-title");
      dialog.innerHTML = `<form method="dialog">
          <h2 id="sign-in-title">Sign in to the CRM</h2>
          <label for="api-token">Admin API token</label>
          <input id="api-token" type="password" autocomplete="current-password" required>
          <p class="error-text" id="sign-in-error" role="alert"></p>
          <div class="actions"><button class="primary" id="sign-in-submit">Sign in</button></div>
        </form>`;
      document.body.append(dialog);
      dialog.addEventListener("cancel", (event) => event.preventDefault());
      dialog.querySelector("form").addEventListener("submit", async (event) => {
        event.preventDefault();
        const candidate = dialog.querySelector("#api-token").value.trim();
        const response = await fetch("/api/shops", { headers: { Authorization: `Bearer ${candidate}` } });
        if (response.ok) {
          sessionStorage.setItem(TOKEN_KEY, candidate);
          dialog.close();
          dialog.remove();
          resolve();
        } else {
          dialog.querySelector("#sign-in-error").textContent = "That token was not accepted.";
        }
      });
      dialog.showModal();
    });
  }

  // The shop asked for in the URL (after connecting one), else the one chosen before, else the first; with every shop.
  async function chooseShop() {
    const shops = await (await api("/api/shops")).json();
    const asked = new URLSearchParams(location.search).get("shop");
    if (asked) {
      sessionStorage.setItem(SHOP_KEY, asked.toLowerCase());
    }
    const chosen = sessionStorage.getItem(SHOP_KEY);
    if ((!chosen || !shops.some((shop) => shop.domain === chosen)) && shops.length && !asked) {
      sessionStorage.setItem(SHOP_KEY, shops[0].domain);
    }
    return { shop: sessionStorage.getItem(SHOP_KEY), shops };
  }

  const connectionWords = { connected: "", reconnect: " (reconnect)", disconnected: " (disconnected)" };

  function renderNav(shop, shops) {
    const page = document.body.dataset.page;
    const nav = document.createElement("header");
    nav.className = "nav";
    const options = shops.some((known) => known.domain === shop) || !shop ? shops : [{ domain: shop, connection: "connected" }, ...shops];
    nav.innerHTML = `
      <span class="brand">CRM</span>
      <nav aria-label="Main"><a href="/" ${page === "customers" ? 'aria-current="page"' : ""}>Customers</a>
        <a href="/integrations.html" ${page === "integrations" ? 'aria-current="page"' : ""}>Integrations</a></nav>
      <span class="spacer"></span>
      <label class="shop-switcher"><span class="visually-hidden">Shop</span>
        <select id="shop-switcher">${options.length ? options.map((known) => `<option value="${escape(known.domain)}" ${known.domain === shop ? "selected" : ""}>${escape(known.domain)}${connectionWords[known.connection] || ""}</option>`).join("")
          : '<option value="">no shop</option>'}</select></label>
      <span id="sync-indicator" class="sync-indicator" role="status" aria-live="polite" data-state="unknown">
        <span class="icon" aria-hidden="true"></span><span id="sync-indicator-text">Connecting…</span>
      </span>
      <button id="sync-now" class="primary" type="button">Sync Now</button>`;
    document.body.prepend(nav);
    nav.querySelector("#shop-switcher").addEventListener("change", (event) => {
      if (event.target.value) {
        sessionStorage.setItem(SHOP_KEY, event.target.value);
        // The page and its live status start over for the chosen shop.
        location.href = location.pathname;
      }
    });
    const toasts = document.createElement("div");
    toasts.id = "toasts";
    toasts.className = "toasts";
    toasts.setAttribute("role", "region");
    toasts.setAttribute("aria-label", "Notifications");
    toasts.setAttribute("aria-live", "polite");
    document.body.append(toasts);
    nav.querySelector("#sync-now").addEventListener("click", () => syncNow(false));
  }

  // "1,234 / 5,000 customers" ("1,234 customers" until counted); null without progress.
  function count(progress, noun) {
    if (!progress) {
      return null;
    }
    const total = progress.total != null ? ` / ${number.format(progress.total)}` : "";
    return `${number.format(progress.synced)}${total} ${noun}`;
  }

  // What the running sync is on, once counted: customers and orders are exported at once, so each that has begun
  // and is not done ("1,234 / 5,000 customers · 20,000 / 300,000 orders").
  function progressText(status) {
    const counted = (progress, noun) => (progress && progress.total != null ? count(progress, noun) : null);
    if (status.phase === "counting") {
      return null;
    }
    const customers = status.customers && status.customers.synced < (status.customers.total || 0)
      ? counted(status.customers, "customers") : null;
    const orders = status.orders && (status.orders.synced > 0 || status.phase === "orders") ? counted(status.orders, "orders") : null;
    return [customers, orders].filter(text => text).join(" · ") || counted(status.customers, "customers");
  }

  function indicatorText(status) {
    switch (status.state) {
      case "running": {
        const progress = progressText(status);
        return progress ? `Syncing: ${progress}` : "Syncing…";
      }
      case "stale": return "Data is stale";
      case "error": return "Sync failed";
      case "disconnected": return status.disconnectedAt
        ? `Disconnected on ${new Date(status.disconnectedAt).toLocaleDateString()}` : "Disconnected";
      default: return "Up to date";
    }
  }

  function showStatus(status) {
    const indicator = document.getElementById("sync-indicator");
    indicator.dataset.state = status.state;
    indicator.title = status.reason || indicatorText(status);
    document.getElementById("sync-indicator-text").textContent = indicatorText(status);
    document.getElementById("sync-now").disabled = status.state === "running" || status.state === "disconnected";
    const previous = lastStatus;
    lastStatus = status;
    if (previous && previous.runId === status.runId && previous.state === "running") {
      if (status.state === "idle" && status.summary) {
        toast(status.summary, "success");
      } else if (status.state === "error") {
        toast(`Sync failed: ${status.failureReason || "unknown reason"}`, "failure");
      }
    }
    statusListeners.forEach((listener) => listener(status));
  }

  function toast(text, kind = "info") {
    const element = document.createElement("div");
    element.className = `toast ${kind}`;
    element.setAttribute("role", kind === "failure" ? "alert" : "status");
    element.textContent = text;
    document.getElementById("toasts").append(element);
    setTimeout(() => element.remove(), kind === "failure" ? 15000 : 8000);
  }

  async function syncNow(full) {
    const shop = sessionStorage.getItem(SHOP_KEY);
    const response = await api(`/api/shops/${encodeURIComponent(shop)}/sync${full ? "?mode=full" : ""}`, { method: "POST" });
    if (response.status === 409) {
      toast("A sync is already running.", "info");
    } else if (!response.ok) {
      toast(`Sync could not start (HTTP ${response.status}).`, "failure");
    }
  }

  // Reconnects by itself (the server restarted, the network dropped): a fresh ticket each time, backing off to 10 s.
  function connect(shop, attempt = 0) {
    const retry = () => setTimeout(() => connect(shop, attempt + 1), Math.min(10000, 500 * 2 ** attempt));
    api(`/api/shops/${encodeURIComponent(shop)}/sync/tickets`, { method: "POST" })
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`HTTP ${response.status}`))))
      .then(({ path }) => {
        const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`);
        let opened = false;
        let received = false;
        socket.onopen = () => {
          opened = true;
          attempt = 0;
          // The server sends the current status at once; without it within 5 s, start over rather than show nothing.
          setTimeout(() => { if (!received) socket.close(); }, 5000);
        };
        socket.onmessage = (event) => { received = true; showStatus(JSON.parse(event.data)); };
        socket.onclose = () => {
          document.getElementById("sync-indicator-text").textContent = "Reconnecting…";
          setTimeout(() => connect(shop, opened ? 0 : attempt + 1), opened ? 500 : Math.min(10000, 500 * 2 ** attempt));
        };
      })
      .catch(retry);
  }

  function escape(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  async function start() {
    if (!token()) {
      await signIn();
    }
    const { shop, shops } = await chooseShop();
    renderNav(shop, shops);
    if (shop) {
      connect(shop);
    } else {
      document.getElementById("sync-indicator-text").textContent = "No shop yet";
      document.getElementById("sync-now").disabled = true;
    }
    return shop;
  }

  window.crm = {
    ready: () => (ready = ready || start()),
    api,
    toast,
    syncNow,
    escape,
    number,
    count,
    progressText,
    onStatus: (listener) => { statusListeners.push(listener); if (lastStatus) listener(lastStatus); },
  };
})();
