() => {
  // Run in the page: everything a payload that got through would leave behind in the DOM.
  const urlAttrs = new Set(["href", "src", "action", "formaction", "xlink:href", "data", "background",
    "poster", "lowsrc", "dynsrc", "codebase", "cite", "srcset", "ping"]);
  const bad = [];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      const value = (a.value || "").replace(/[\s\u0000-\u001f]/g, "").toLowerCase();
      if (name.startsWith("on")) bad.push(`${el.tagName} ${name}`);
      if (name === "srcdoc") bad.push(`${el.tagName} srcdoc`);
      if (urlAttrs.has(name) && /^(javascript|vbscript|data|livescript|jar):/.test(value)) bad.push(`${el.tagName} ${name}=${value.slice(0, 40)}`);
      if (name === "style" && /(expression|javascript:|vbscript:|url\(|binding|behavior)/.test(value)) bad.push(`${el.tagName} style=${value.slice(0, 40)}`);
    }
  }
  const scripts = [...document.scripts].map((s) => s.getAttribute("src") || "(inline)");
  const embedded = document.querySelectorAll("iframe, frame, frameset, object, embed, applet, base, meta[http-equiv], link[rel=import], form[action^='javascript' i], math, svg, style:not(head style)").length;
  return { bad, scripts, embedded, xss: document.body.getAttribute("data-xss"), title: document.title,
           header: !!document.querySelector("body > header.site nav"), footer: !!document.querySelector("body > footer.site") };
}
