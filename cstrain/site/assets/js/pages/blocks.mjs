/* Loads a block's own modules when the learner gets near it, not with the page: a module page's
 * practice quiz and drill sit below its text, and the code that draws them (a quiz's runtime and
 * question types, a drill's runtime and red-line rules) would otherwise run before the page is
 * first painted. A block names its modules in a hidden marker the build writes
 * (<span class="cstrain-load" data-modules="url …">, cstrain/site/templates/modules.html); they
 * are imported when the block comes within a screen of the viewport, on the learner's first key
 * or touch, or once the browser is idle after the page has loaded, whichever comes first. */
import {onEveryPage} from "../core/dom.mjs";

const AHEAD = "100% 0px";
const IDLE_WAIT = 3000;

function load(marker) {
  if (marker.hasAttribute("data-loaded")) return;
  marker.setAttribute("data-loaded", "1");
  for (const src of (marker.getAttribute("data-modules") || "").split(/\s+/).filter(Boolean)) {
    import(new URL(src, document.baseURI).href);
  }
}

function loadAll() {
  document.querySelectorAll(".cstrain-load:not([data-loaded])").forEach(load);
}

const observer = "IntersectionObserver" in window ? new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    observer.unobserve(entry.target);
    entry.target.querySelectorAll(":scope > .cstrain-load").forEach(load);
  }
}, {rootMargin: AHEAD}) : null;

function whenIdle() {
  const idle = window.requestIdleCallback || ((callback) => setTimeout(callback, 200));
  idle(loadAll, {timeout: IDLE_WAIT});
}

for (const type of ["keydown", "pointerdown"]) {
  document.addEventListener(type, loadAll, {capture: true, passive: true});
}

onEveryPage(() => {
  const markers = document.querySelectorAll(".cstrain-load:not([data-loaded])");
  if (!observer) return loadAll();
  markers.forEach((marker) => observer.observe(marker.parentElement));
  if (document.readyState === "complete") whenIdle();
  else window.addEventListener("load", whenIdle, {once: true});
});
