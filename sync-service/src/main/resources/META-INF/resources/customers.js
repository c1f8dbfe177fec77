// The customers page: the 25 most recently updated customers of the shop, refreshed when a sync completes.
(async () => {
  "use strict";
  const shop = await crm.ready();
  if (!shop) {
    document.getElementById("customer-count").textContent = "No shop is configured.";
    return;
  }
  async function load() {
    const page = await (await crm.api(`/api/shops/${encodeURIComponent(shop)}/customers?size=25`)).json();
    document.getElementById("customer-count").textContent = `${crm.number.format(page.total)} customers`;
    document.getElementById("customers").innerHTML = page.items.map((c) => `<tr>
        <td>${crm.escape([c.firstName, c.lastName].filter(Boolean).join(" ") || "—")}</td>
        <td>${crm.escape(c.email || "—")}</td>
        <td>${crm.escape(c.ordersCount ?? "—")}</td>
        <td>${crm.escape(c.updatedAt ? new Date(c.updatedAt).toLocaleString() : "—")}</td></tr>`).join("");
  }
  let lastFinished = null;
  crm.onStatus((status) => {
    if (status.finishedAt !== lastFinished) {
      lastFinished = status.finishedAt;
      load();
    }
  });
  load();
})();
