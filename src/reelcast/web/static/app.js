// reelcast web: feed autoplay, tap-to-unmute, prompt templates and styles, @-mention autocomplete.
(function () {
  "use strict";

  // Feed: play the video that fills the screen, pause the others; muted autoplay, tap to unmute.
  let soundOn = false;
  const io = "IntersectionObserver" in window ? new IntersectionObserver((entries) => {
    for (const e of entries) {
      const v = e.target;
      if (e.isIntersecting && e.intersectionRatio > 0.6) { v.muted = !soundOn; v.play().catch(() => {}); }
      else { v.pause(); }
    }
  }, { threshold: [0, 0.6, 1] }) : null;

  function wire(root) {
    root.querySelectorAll(".slide video.player").forEach((v) => {
      if (v.dataset.wired) return;
      v.dataset.wired = "1";
      if (io) io.observe(v); else v.play().catch(() => {});
      v.addEventListener("click", () => { v.paused ? v.play() : v.pause(); });
    });
    root.querySelectorAll(".unmute").forEach((b) => {
      if (b.dataset.wired) return;
      b.dataset.wired = "1";
      b.addEventListener("click", () => {
        soundOn = !soundOn;
        document.querySelectorAll(".slide video.player").forEach((v) => { v.muted = !soundOn; });
        document.querySelectorAll(".unmute").forEach((x) => x.classList.toggle("on", soundOn));
      });
    });
  }

  // Create: templates replace the prompt; style chips append a phrase the prompt compiler understands.
  function wireCreate() {
    const prompt = document.getElementById("prompt");
    if (!prompt) return;
    document.querySelectorAll("[data-template]").forEach((b) => b.addEventListener("click", () => {
      const t = document.getElementById("tpl-" + b.dataset.template);
      if (!t) return;
      prompt.value = t.content.textContent;
      document.querySelectorAll("[data-template]").forEach((x) => x.classList.toggle("on", x === b));
      prompt.focus();
    }));
    document.querySelectorAll("[data-style]").forEach((b) => b.addEventListener("click", () => {
      const phrase = b.dataset.style;
      const text = prompt.value.trim();
      prompt.value = text ? (text.replace(/[.\s]*$/, "") + ", " + phrase + ".") : phrase + ", ";
      b.classList.add("on");
      prompt.focus();
    }));
    const box = document.getElementById("mentions");
    if (!box) return;
    let timer = null, items = [], sel = -1;
    function word() {
      const upto = prompt.value.slice(0, prompt.selectionStart);
      const m = /@([a-z0-9_.]{0,30})$/i.exec(upto);
      return m ? { q: m[1], start: upto.length - m[0].length } : null;
    }
    function close() { box.hidden = true; box.innerHTML = ""; items = []; sel = -1; }
    function pick(handle) {
      const w = word();
      if (!w) return close();
      const before = prompt.value.slice(0, w.start), after = prompt.value.slice(prompt.selectionStart);
      prompt.value = before + "@" + handle + " " + after;
      const pos = (before + "@" + handle + " ").length;
      prompt.setSelectionRange(pos, pos);
      close();
      prompt.focus();
    }
    prompt.addEventListener("input", () => {
      const w = word();
      if (!w) return close();
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const r = await fetch("/mentions?q=" + encodeURIComponent(w.q), { headers: { "HX-Request": "true" } });
        if (!r.ok) return close();
        box.innerHTML = await r.text();
        items = Array.from(box.querySelectorAll("li[data-handle]"));
        sel = items.length ? 0 : -1;
        items.forEach((li, i) => { li.classList.toggle("sel", i === sel); li.addEventListener("mousedown", (ev) => { ev.preventDefault(); pick(li.dataset.handle); }); });
        box.hidden = false;
      }, 120);
    });
    prompt.addEventListener("keydown", (ev) => {
      if (box.hidden || !items.length) return;
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        sel = (sel + (ev.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        items.forEach((li, i) => li.classList.toggle("sel", i === sel));
      } else if (ev.key === "Enter" || ev.key === "Tab") { ev.preventDefault(); pick(items[sel].dataset.handle); }
      else if (ev.key === "Escape") { close(); }
    });
    prompt.addEventListener("blur", () => setTimeout(close, 150));
  }

  document.addEventListener("DOMContentLoaded", () => { wire(document); wireCreate(); });
  document.addEventListener("htmx:afterSwap", (e) => wire(e.target.parentElement || document));
})();
