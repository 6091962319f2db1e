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

// Keyboard shortcuts: j/k next/previous card, o open it, s save it, / search, ? this help.
(function () {
  const CARDS = "main .story-card, main .article-card";
  const KEYS = [["j", "next story or article"], ["k", "previous story or article"], ["o", "open the selected one"],
    ["s", "save it for later (when signed in)"], ["/", "search"], ["?", "show or hide this help"], ["Esc", "close"]];
  let current = -1;
  let help = null;

  function cards() {
    return Array.from(document.querySelectorAll(CARDS)).filter(function (c) { return c.querySelector("a.title"); });
  }
  function focused(list) {
    const i = list.findIndex(function (c) { return c.contains(document.activeElement); });
    return i >= 0 ? i : current;
  }
  function select(i) {
    const list = cards();
    if (!list.length) return;
    current = Math.max(0, Math.min(list.length - 1, i));
    list.forEach(function (c) { c.classList.remove("current"); c.removeAttribute("aria-current"); });
    const card = list[current];
    card.classList.add("current");
    card.setAttribute("aria-current", "true");
    card.querySelector("a.title").focus();
    card.scrollIntoView({ block: "nearest" });
  }
  function selected() {
    const list = cards();
    const i = focused(list);
    return i >= 0 ? list[i] : null;
  }
  function save() {
    const card = selected();
    const form = (card && card.querySelector("form.save")) || (!card && document.querySelector("main .actions form.save"));
    if (form) form.requestSubmit ? form.requestSubmit() : form.submit();
  }
  function buildHelp() {
    const d = document.createElement("dialog");
    d.id = "shortcuts";
    d.setAttribute("aria-labelledby", "shortcuts-h");
    const rows = KEYS.map(function (k) { return "<dt><kbd>" + k[0] + "</kbd></dt><dd>" + k[1] + "</dd>"; }).join("");
    d.innerHTML = '<h2 id="shortcuts-h">Keyboard shortcuts</h2><dl class="keys">' + rows +
      '</dl><form method="dialog"><button>Close</button></form>';
    document.body.appendChild(d);
    return d;
  }
  function toggleHelp() {
    help = help || buildHelp();
    if (help.open) help.close(); else help.showModal();
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) {
      if (e.key === "Escape") t.blur();
      return;
    }
    if (help && help.open && e.key !== "?") return; // the dialog handles its own keys (Esc closes)
    const list = cards();
    switch (e.key) {
      case "j": select(focused(list) + 1); break;
      case "k": select(Math.max(0, focused(list) - 1)); break;
      case "o": {
        const card = selected();
        if (!card) return;
        window.location.href = card.querySelector("a.title").href;
        break;
      }
      case "s": save(); break;
      case "/": {
        const q = document.getElementById("q");
        if (!q) return;
        q.focus(); q.select();
        break;
      }
      case "?": toggleHelp(); break;
      default: return;
    }
    e.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    const footer = document.querySelector("footer.site");
    if (!footer) return;
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.innerHTML = 'Press <kbd>?</kbd> for keyboard shortcuts';
    footer.appendChild(hint);
  });
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

// Coverage timeline bars: their widths come as data-pct (no style attributes under our CSP).
document.querySelectorAll(".bar[data-pct]").forEach(function (bar) {
  const pct = parseFloat(bar.dataset.pct);
  if (pct >= 0 && pct <= 100) bar.style.width = pct + "%";
});

// On a phone the section row scrolls sideways: bring the current section into view.
(function () {
  const nav = document.querySelector("nav.sections-nav"), current = nav && nav.querySelector("[aria-current]");
  if (current && nav.scrollWidth > nav.clientWidth) {
    nav.scrollLeft = current.offsetLeft - nav.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
  }
})();
