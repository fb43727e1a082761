// Zoom buttons the page draws beside a bpmn-js canvas (_macros.html zoom_controls): in, out, and the whole
// diagram fitted to its frame.

const STEP = 1.25;

export function wireZoom(target, canvas, fit) {
  const bar = document.querySelector(`[data-zoom-target="${target}"]`);
  if (!bar) return;
  bar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-zoom]");
    if (!button) return;
    const action = button.dataset.zoom;
    if (action === "fit") {
      if (fit) fit();
      else canvas.zoom("fit-viewport", "auto");
    } else {
      canvas.zoom(canvas.zoom() * (action === "in" ? STEP : 1 / STEP));
    }
  });
}
