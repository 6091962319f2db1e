// Keep relative times ("4 minutes ago") true while the page stays open.
(function () {
  const units = [[60, 1, ""], [3600, 60, "minute"], [86400, 3600, "hour"], [604800, 86400, "day"],
    [2592000, 604800, "week"], [31536000, 2592000, "month"], [Infinity, 31536000, "year"]];
  function relative(date) {
    let s = (Date.now() - date.getTime()) / 1000;
    const future = s < 0; s = Math.abs(s);
    for (const [limit, size, unit] of units) {
      if (s < limit) {
        if (!unit) return "just now";
        const n = Math.floor(s / size), label = n + " " + unit + (n === 1 ? "" : "s");
        return future ? "in " + label : label + " ago";
      }
    }
    return "";
  }
  function update() {
    document.querySelectorAll("time[data-relative]").forEach(function (el) {
      const d = new Date(el.getAttribute("datetime"));
      if (!isNaN(d)) el.textContent = relative(d);
    });
  }
  setInterval(update, 60000);
})();

// A citation links to "#s-N", a sentence inside the article's folded sentence list: unfold it.
(function () {
  function reveal() {
    const id = decodeURIComponent(location.hash.slice(1));
    const el = id && document.getElementById(id);
    if (!el) return;
    for (let d = el.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) d.open = true;
    el.classList.add("cited");
    el.scrollIntoView({ block: "center" });
  }
  window.addEventListener("hashchange", reveal);
  document.addEventListener("DOMContentLoaded", reveal);
})();
