// Cameo set-up: get a challenge, record a selfie clip (getUserMedia + MediaRecorder, webm), upload it as a
// multipart file to POST /v1/cameos (the session cookie + CSRF header authenticate), then poll the verdict.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const root = $("setup");
  let stream = null, recorder = null, chunks = [], challenge = null, started = 0, tick = null;

  function state(s, text) {
    root.dataset.state = s;
    if (text) $("status").textContent = text;
    const order = ["challenge", "record", "upload", "verdict"];
    const at = { idle: -1, challenge: 0, recording: 1, uploading: 2, verifying: 3, done: 4, error: -1 }[s];
    order.forEach((name, i) => {
      const li = $("step-" + name);
      li.classList.toggle("done", i < at);
      li.classList.toggle("on", i === at);
    });
  }

  async function api(method, path, body) {
    const r = await fetch(path, { method, body, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" });
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error((data.error && data.error.message) || ("HTTP " + r.status));
    return data;
  }

  function pickType() {
    const types = ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp9,opus", "video/webm"];
    return types.find((t) => window.MediaRecorder && MediaRecorder.isTypeSupported(t)) || "";
  }

  async function start() {
    $("start").disabled = true;
    try {
      state("challenge", "Getting your challenge…");
      challenge = await api("POST", "/v1/cameos/challenges");
      $("digits").textContent = challenge.digits;
      $("turns").innerHTML = "";
      (challenge.turns || []).forEach((t) => { const li = document.createElement("li"); li.textContent = t; $("turns").appendChild(li); });
      $("expires").textContent = new Date(challenge.expires_at * 1000).toLocaleTimeString();
      $("challenge").hidden = false;
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
      $("preview").srcObject = stream;
      chunks = [];
      const type = pickType();
      recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
      recorder.ondataavailable = (e) => { if (e.data && e.data.size) chunks.push(e.data); };
      recorder.onstop = upload;
      recorder.start(250);
      started = performance.now();
      $("recdot").hidden = false;
      tick = setInterval(() => {
        const s = (performance.now() - started) / 1000;
        $("rectime").textContent = s.toFixed(1);
        if (s >= 15) stop();
      }, 100);
      state("recording", "Recording: say the digits, then turn your head in order. Stop after 3 s or more.");
      $("start").hidden = true;
      $("stop").hidden = false;
    } catch (err) {
      fail(err);
    }
  }

  function stop() {
    if (!recorder || recorder.state === "inactive") return;
    clearInterval(tick);
    $("recdot").hidden = true;
    $("stop").hidden = true;
    recorder.stop();
  }

  async function upload() {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    try {
      state("uploading", "Uploading your clip…");
      const blob = new Blob(chunks, { type: (recorder.mimeType || "video/webm").split(";")[0] });
      root.dataset.bytes = String(blob.size);
      const preview = $("preview");
      preview.srcObject = null;  // show what was recorded while it is checked
      preview.src = URL.createObjectURL(blob);
      preview.loop = true;
      preview.play().catch(() => {});
      const form = new FormData();
      form.append("challenge_id", challenge.id);
      form.append("video", blob, "cameo.webm");
      let cameo = await api("POST", "/v1/cameos", form);
      state("verifying", "Checking your clip (speech, head turns, face)…");
      show(cameo);
      while (cameo.status === "verifying" || cameo.status === "pending_verification") {
        await new Promise((r) => setTimeout(r, 1000));
        cameo = await api("GET", "/v1/cameos/" + encodeURIComponent(cameo.id));
        show(cameo);
      }
      const done = { active: "Verified — your cameo is ready.", in_review: "Almost there: a moderator will look at your clip.",
                     rejected: "Not verified." };
      state("done", done[cameo.status] || ("Status: " + cameo.status));
      $("verdict").scrollIntoView({ block: "nearest" });
    } catch (err) {
      fail(err);
    }
  }

  function show(cameo) {
    const v = $("verdict");
    v.hidden = false;
    v.dataset.status = cameo.status;
    const rej = cameo.rejection || {};
    v.innerHTML = "";
    const p = document.createElement("p");
    p.className = cameo.status === "active" ? "good" : (cameo.status === "rejected" ? "bad" : "");
    p.innerHTML = "<b>Status:</b> <span class=\"badge " + cameo.status + "\" id=\"cameo-status\"></span>";
    p.querySelector("span").textContent = cameo.status;
    v.appendChild(p);
    if (rej.code || rej.message) {
      const q = document.createElement("p");
      q.id = "cameo-reason";
      q.textContent = (rej.message || "") + (rej.code ? " (" + rej.code + ")" : "");
      v.appendChild(q);
    }
    if (cameo.status === "active") {
      const a = document.createElement("a");
      a.className = "btn primary"; a.href = "/cameos/" + cameo.id; a.textContent = "Choose who can use it";
      v.appendChild(a);
    } else if (cameo.status === "rejected") {
      const b = document.createElement("button");
      b.className = "btn"; b.type = "button"; b.textContent = "Try again";
      b.addEventListener("click", () => location.reload());
      v.appendChild(b);
    }
  }

  function fail(err) {
    clearInterval(tick);
    if (stream) stream.getTracks().forEach((t) => t.stop());
    $("recdot").hidden = true;
    $("stop").hidden = true;
    $("start").disabled = false;
    $("start").hidden = false;
    $("start").textContent = "Try again";
    state("error", "Could not finish: " + (err && err.message ? err.message : err));
  }

  $("start").addEventListener("click", start);
  $("stop").addEventListener("click", stop);
})();
