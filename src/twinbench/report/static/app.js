// twinbench pages: the run report (leaderboard, cell list, one task or one cell at a time) and the check page.
// Everything a program or a model wrote is shown as text (textContent), never as markup.
(() => {
  "use strict";
  const PAGE = JSON.parse(document.getElementById("tb-data").textContent);
  const SHOWN = 200; // cell rows listed at once
  const CONFIG = { responsive: true, displaylogo: false };

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.entries(props || {}).forEach(([k, v]) => {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    });
    children.flat().forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  }

  function plot(node, fig) {
    if (node && fig) Plotly.newPlot(node, fig.data, fig.layout, CONFIG);
  }

  const pct = (v) => (v === null || v === undefined ? "-" : (100 * v).toFixed(1));
  const num = (v) => (v === null || v === undefined ? "-" : Number(v).toFixed(3));

  if (PAGE.figures_by_id) { // a standalone page of figures (the judge agreement report)
    Object.entries(PAGE.figures_by_id).forEach(([id, fig]) => plot(document.getElementById(id), fig));
    return;
  }

  if (PAGE.plans) { // the check page
    PAGE.plans.forEach((figs, i) => {
      plot(document.getElementById(`plan-${i}-temperature`), figs.temperature);
      plot(document.getElementById(`plan-${i}-devices`), figs.devices);
    });
    return;
  }

  const C = Object.fromEntries(PAGE.columns.map((c, i) => [c, i]));
  const ROWS = PAGE.rows;
  const boardView = document.getElementById("board-view");
  const taskView = document.getElementById("task-view");
  const cellView = document.getElementById("cell-view");
  const taskHash = (id) => `#/task/${encodeURIComponent(id)}`;
  const cellHash = (id) => `#/cell/${encodeURIComponent(id)}`;
  const form = document.getElementById("filters");
  let boardDrawn = false;

  function drawBoard() {
    if (boardDrawn) return;
    boardDrawn = true;
    Object.entries(PAGE.figures).forEach(([name, fig]) => plot(document.getElementById(`fig-${name}`), fig));
    const scatter = document.getElementById("fig-scatter");
    scatter.on("plotly_click", (ev) => { location.hash = cellHash(ev.points[0].customdata); });
    document.getElementById("fig-tasks").on("plotly_click", (ev) => { location.hash = taskHash(ev.points[0].y); });
  }

  function fillSelect(name, column) {
    const select = form.elements[name];
    [...new Set(ROWS.map((r) => r[C[column]]))].sort().forEach((v) => select.append(el("option", { value: v, text: v })));
  }

  function matching() {
    const f = Object.fromEntries(new FormData(form).entries());
    return ROWS.filter((r) => (!f.model || r[C.model] === f.model)
      && (!f.category || r[C.category] === f.category)
      && (!f.outcome || r[C.outcome] === f.outcome)
      && (!f.passed || (f.passed === "passed" ? r[C.passed] === true : r[C.passed] === false))
      && (!f.task || r[C.task].includes(f.task)));
  }

  function renderCells() {
    const rows = matching();
    const body = document.querySelector("#cell-table tbody");
    body.replaceChildren(...rows.slice(0, SHOWN).map((r) => {
      const result = r[C.passed] === null ? "-" : r[C.passed] ? "passed" : "failed";
      const tr = el("tr", { "data-id": r[C.id], class: "cell-row" }, el("td", { text: r[C.model] }),
        el("td", { text: r[C.task] }), el("td", { text: r[C.category] }), el("td", { text: r[C.sample] }),
        el("td", { text: r[C.outcome] }), el("td", { class: result, text: result }),
        el("td", { text: num(r[C.trace]) }), el("td", { text: num(r[C.codebleu]) }));
      tr.addEventListener("click", () => { location.hash = cellHash(r[C.id]); });
      return tr;
    }));
    const more = rows.length > SHOWN ? ` (the first ${SHOWN} shown; filter to narrow)` : "";
    document.getElementById("cell-count").textContent = `${rows.length} of ${ROWS.length} cells${more}`;
  }

  // A cell's or a task's data: embedded in a standalone report, fetched from `twinbench view` otherwise.
  async function getData(kind, prefix, url, id) {
    const embedded = document.getElementById(`${prefix}-${id}`);
    if (embedded) return JSON.parse(embedded.textContent);
    if (!url) throw new Error(`${kind} ${id} is not in this report`);
    const response = await fetch(url + encodeURIComponent(id));
    if (!response.ok) throw new Error(`${kind} ${id}: ${response.status} ${await response.text()}`);
    return response.json();
  }

  function block(title, text, cls) {
    if (text === null || text === undefined || text === "") return [];
    return [el("h3", { text: title }), el("pre", { class: cls || "" , text: text })];
  }

  function scoresTable(cell) {
    const names = Object.keys(cell.scores);
    return el("table", { class: "data" }, el("thead", {}, el("tr", {}, names.map((n) => el("th", { text: n })))),
      el("tbody", {}, el("tr", {}, names.map((n) => el("td", { text: num(cell.scores[n]) })))));
  }

  function alignmentPart(a) {
    if (!a) return [el("p", { class: "note", text: "No trace to align (the program did not run)." })];
    const counts = Object.entries(a.counts).map(([k, n]) => `${n} ${k}`).join(", ");
    const ref = a.references > 1 ? ` against reference ${a.reference + 1} of ${a.references} (the best)` : "";
    const parts = [el("h3", { text: "Aligned trace" }),
      el("p", { class: "note", text: `full score ${num(a.full_score)}${ref}: ${counts}` })];
    if (a.reasons.length) parts.push(el("ul", { class: "reasons" }, a.reasons.map((r) => el("li", { text: r }))));
    parts.push(el("div", { class: "fig", id: "timeline" }));
    if (a.differences.length) {
      parts.push(el("h3", { text: `Differences (${a.differences.length + a.more_differences})` }));
      parts.push(el("ul", { class: "diffs" }, a.differences.map((d) => el("li", { class: `diff kind-${d.kind}`, text: d.text }))));
      if (a.more_differences) parts.push(el("p", { class: "note", text: `${a.more_differences} more not listed` }));
    }
    if (a.continuous) parts.push(el("div", { class: "fig", id: "continuous" }));
    return parts;
  }

  function judgePart(judge) {
    if (!judge.length) return [];
    const rows = judge.flatMap((j) => [
      el("tr", { class: "panel" }, el("td", { class: "name", text: j.scorer }), el("td", { text: "panel mean" }),
        el("td", { text: num(j.grade) }), el("td", {})),
      ...j.judges.map((g) => el("tr", {}, el("td", {}), el("td", { class: "name", text: g.judge }),
        el("td", { text: num(g.grade) }),
        el("td", { class: "name" }, g.answer ? el("details", {}, el("summary", { text: "rationale" }), el("pre", { text: g.answer })) : "-")))]);
    return [el("h3", { text: "Judge grades" }), el("table", { class: "data judge" },
      el("thead", {}, el("tr", {}, ["scorer", "judge", "grade", "answer"].map((h) => el("th", { text: h })))),
      el("tbody", {}, rows))];
  }

  function clearCell(...nodes) {
    cellView.querySelectorAll(".js-plotly-plot").forEach((n) => Plotly.purge(n));
    cellView.replaceChildren(...nodes);
  }

  function renderCell(cell) {
    const result = cell.passed === null ? "pending" : cell.passed ? "passed" : "failed";
    const safety = cell.safety.length ? [el("h3", { text: `Safety events (${cell.safety.length})` }),
      el("ul", { class: "findings" }, cell.safety.map((s) => el("li", { class: "severity-error", text: `t=${num(s.t)} s: ${s.value}` })))] : [];
    const errors = cell.errors.length ? [el("h3", { text: "Errors" }), el("ul", { class: "findings" },
      cell.errors.map((e) => el("li", { class: "severity-error", text: `${e.stage} ${e.kind}: ${e.message}` })))] : [];
    clearCell(
      el("a", { href: "#/", class: "back", text: "← leaderboard and cells" }),
      el("h2", {}, `${cell.model} · `, el("a", { href: taskHash(cell.task), class: "task-link", text: cell.task }),
        ` · sample ${cell.sample} `, el("span", { class: `badge ${result}`, text: result }),
        " ", el("span", { class: "badge", text: cell.outcome })),
      el("p", { class: "note", text: `category ${cell.category} · difficulty ${cell.difficulty} · turn ${cell.turn}` }),
      scoresTable(cell), ...errors,
      el("div", { class: "cols" }, el("div", {}, ...block("Instruction", cell.instruction), ...block("Raw answer", cell.answer)),
        el("div", {}, ...block(`Extracted program (${cell.extraction || "none"})`, cell.code, "code"),
          ...block("Output", cell.output))),
      ...alignmentPart(cell.alignment), ...safety, ...judgePart(cell.judge));
    if (cell.alignment) {
      plot(document.getElementById("timeline"), cell.alignment.timeline);
      plot(document.getElementById("continuous"), cell.alignment.continuous);
    }
  }

  function renderTask(task) {
    const T = Object.fromEntries(task.columns.map((c, i) => [c, i]));
    const outcomes = (m) => Object.entries(m.outcomes).map(([o, n]) => `${n} ${o}`).join(", ") || "-";
    const ci = (s) => (s.lo === null || s.lo === undefined ? "-" : `${pct(s.lo)}–${pct(s.hi)}`);
    const modelRows = task.models.map((m) => el("tr", { class: "task-model", "data-model": m.model },
      el("td", { class: "name", text: m.model }),
      el("td", { text: pct(m.score.value) }), el("td", { text: ci(m.score) }), el("td", { text: pct(m.pass_rate) }),
      el("td", { text: `${m.passed}/${m.finished}` }), el("td", { class: "name", text: outcomes(m) })));
    const cellLists = task.models.map((m) => [
      el("h3", { text: `${m.model}: ${m.cells} cells` }),
      el("table", { class: "data clickable task-cells" },
        el("thead", {}, el("tr", {}, ["sample", "turn", "outcome", "result", "trace", "CodeBLEU"].map((h) => el("th", { text: h })))),
        el("tbody", {}, m.rows.map((r) => {
          const result = r[T.passed] === null ? "-" : r[T.passed] ? "passed" : "failed";
          return el("tr", { class: "cell-row", "data-id": r[T.id] },
            el("td", {}, el("a", { href: cellHash(r[T.id]), text: `sample ${r[T.sample]}` })), el("td", { text: r[T.turn] }),
            el("td", { text: r[T.outcome] }), el("td", { class: result, text: result }), el("td", { text: num(r[T.trace]) }),
            el("td", { text: num(r[T.codebleu]) }));
        })))]);
    taskView.replaceChildren(
      el("a", { href: "#/", class: "back", text: "← leaderboard and cells" }),
      el("h2", {}, `Task ${task.id} `, el("span", { class: "badge", text: task.category || "?" }), " ",
        el("span", { class: "badge", text: task.difficulty || "?" })),
      ...block("Instruction", task.instruction),
      el("h3", { text: "Models on this task" }),
      el("p", { class: "note", text: "score: mean full trace score (%) over the samples, 95% CI by sample bootstrap" }),
      el("table", { id: "task-models", class: "data" },
        el("thead", {}, el("tr", {}, ["model", "score", "95% CI", "pass", "passed", "outcomes"].map((h) => el("th", { text: h })))),
        el("tbody", {}, modelRows)),
      el("div", { class: "fig", id: "task-figure" }),
      ...cellLists.flat());
    plot(document.getElementById("task-figure"), task.figure);
  }

  // Shows one of the three views: the board, a task, a cell (`load` fills the one shown from its data).
  async function show(view, load) {
    [boardView, taskView, cellView].forEach((v) => { v.hidden = v !== view; });
    clearCell();
    taskView.querySelectorAll(".js-plotly-plot").forEach((n) => Plotly.purge(n));
    taskView.replaceChildren();
    if (view === boardView) { drawBoard(); return; }
    view.replaceChildren(el("p", { class: "note", text: "loading…" }));
    try {
      await load();
    } catch (err) {
      view.replaceChildren(el("a", { href: "#/", class: "back", text: "← back" }), el("pre", { class: "error", text: String(err) }));
    }
    window.scrollTo(0, 0);
  }

  function route() {
    const m = location.hash.match(/^#\/(cell|task)\/(.+)$/);
    const id = m ? decodeURIComponent(m[2]) : null;
    if (!m) show(boardView);
    else if (m[1] === "cell") show(cellView, async () => renderCell(await getData("cell", "cell", PAGE.cell_url, id)));
    else show(taskView, async () => renderTask(await getData("task", "task-json", PAGE.task_url, id)));
  }

  [["model", "model"], ["category", "category"], ["outcome", "outcome"]].forEach(([n, c]) => fillSelect(n, c));
  form.addEventListener("input", renderCells);
  function listCells(model) {
    form.elements.model.value = model;
    form.elements.task.value = "";
    renderCells();
    document.getElementById("cells-title").scrollIntoView();
  }

  document.querySelectorAll("#leaderboard tr.model-row").forEach((tr) => tr.addEventListener("click", () => listCells(tr.dataset.model)));
  renderCells();
  window.addEventListener("hashchange", route);
  route();
})();
