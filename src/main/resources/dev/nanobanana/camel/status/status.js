// The status page: reads /status/api/summary.json every few seconds and draws it. Every text from a job (ids,
// prompts, RunPod's errors) goes in as textContent, never as HTML.
"use strict";

const REFRESH_MS = 3000;

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    node.setAttribute(name, value);
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function text(id, value) {
  document.getElementById(id).textContent = value;
}

function usd(value) {
  return value == null ? "unknown" : "$" + Number(value).toFixed(4).replace(/0{1,2}$/, "");
}

function time(instant) {
  return instant ? new Date(instant).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "";
}

function chart(minutes) {
  const ns = "http://www.w3.org/2000/svg";
  const width = 600, height = 120, bar = width / minutes.length;
  const top = Math.max(1, ...minutes.map(m => m.completed + m.failed));
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", width);
  svg.setAttribute("height", height + 14);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "jobs completed and failed per minute over the last hour");
  minutes.forEach((m, i) => {
    let y = height;
    for (const [count, kind] of [[m.completed, "done"], [m.failed, "fail"]]) {
      if (count === 0) continue;
      const h = Math.max(1, Math.round(count / top * (height - 4)));
      y -= h;
      const rect = document.createElementNS(ns, "rect");
      rect.setAttribute("x", (i * bar + 1).toFixed(1));
      rect.setAttribute("y", y);
      rect.setAttribute("width", Math.max(1, bar - 2).toFixed(1));
      rect.setAttribute("height", h);
      rect.setAttribute("class", kind);
      const title = document.createElementNS(ns, "title");
      title.textContent = time(m.minute) + ": " + m.completed + " completed, " + m.failed + " failed";
      rect.append(title);
      svg.append(rect);
    }
  });
  for (const [x, label, anchor] of [[0, "60 min ago", "start"], [width, "now · peak " + top + "/min", "end"]]) {
    const t = document.createElementNS(ns, "text");
    t.setAttribute("x", x);
    t.setAttribute("y", height + 11);
    t.setAttribute("text-anchor", anchor);
    t.textContent = label;
    svg.append(t);
  }
  document.getElementById("chart").replaceChildren(svg);
}

function tile(job) {
  const picture = job.image
    ? el("a", {href: job.image, target: "_blank"}, el("img", {src: job.image, alt: job.id, loading: "lazy"}))
    : el("div", {class: "no-image"}, "image in " + job.sink + " (only folder sinks are shown)");
  const caption = el("figcaption", {},
    el("b", {}, job.id),
    el("p", {class: "prompt"}, job.prompt || ""),
    el("p", {class: "facts"}, [job.resolution, usd(job.costUsd), time(job.finishedAt),
      job.seconds == null ? "" : job.seconds + " s"].filter(Boolean).join(" · ")));
  if (job.record) {
    caption.append(el("a", {href: job.record, target: "_blank", class: "record"}, "record"));
  }
  return el("figure", {class: "tile", "data-job": job.id}, picture, caption);
}

function failure(job) {
  const id = job.record ? el("a", {href: job.record, target: "_blank"}, job.id) : job.id;
  return el("tr", {"data-job": job.id}, el("td", {}, id), el("td", {class: "reason"}, job.reason || ""),
    el("td", {}, job.step || ""), el("td", {}, time(job.finishedAt)));
}

function draw(summary) {
  text("since", "Running since " + time(summary.since) + " · updated " + time(summary.now));
  text("waiting", summary.counts.waiting);
  text("in-flight", summary.counts.inFlight);
  text("completed", summary.counts.completed);
  text("failed", summary.counts.failed);
  text("spend-today", usd(summary.spend.todayUsd));
  text("spend-total", usd(summary.spend.totalUsd));
  chart(summary.lastHour);
  const tiles = document.getElementById("tiles");
  const shown = Array.from(tiles.children).map(t => t.dataset.job).join("\n");
  if (shown !== summary.completed.map(j => j.id).join("\n")) {
    tiles.replaceChildren(...summary.completed.map(tile));
  }
  document.getElementById("no-tiles").hidden = summary.completed.length > 0;
  document.getElementById("failures").replaceChildren(...summary.failures.map(failure));
  document.getElementById("no-failures").hidden = summary.failures.length > 0;
}

async function refresh() {
  const problem = document.getElementById("problem");
  try {
    const response = await fetch("/status/api/summary.json", {credentials: "same-origin", cache: "no-store"});
    if (!response.ok) {
      throw new Error((await response.text()).trim() || "HTTP " + response.status);
    }
    draw(await response.json());
    problem.hidden = true;
  } catch (e) {
    problem.textContent = "Cannot read the runtime's status: " + e.message + " (trying again)";
    problem.hidden = false;
  }
}

async function writeReport() {
  const report = document.getElementById("report");
  try {
    const response = await fetch("/status/report", {method: "POST", credentials: "same-origin"});
    if (!response.ok) {
      throw new Error((await response.text()).trim() || "HTTP " + response.status);
    }
    report.textContent = "Written to " + (await response.json()).file;
  } catch (e) {
    report.textContent = "Not written: " + e.message;
  }
}

document.getElementById("write-report").addEventListener("click", writeReport);
refresh();
setInterval(refresh, REFRESH_MS);
