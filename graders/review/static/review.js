"use strict";
// The review page: one written answer at a time, scored by keyboard or mouse. Every text
// from a submission is set as text (never as HTML); every save goes to the server at once.
(() => {
  const words = JSON.parse(document.getElementById("words").textContent);
  const token = new URLSearchParams(location.search).get("token");
  const fill = (text, values) =>
    text.replace(/\{(\w+)\}/g, (all, key) => (key in values ? String(values[key]) : all));

  let summary = null; // the class's answers: index, label, state, score
  let at = 0; // the index of the answer shown
  let wanted = 0; // the answer asked for last (keys pressed faster than answers load add up)
  let item = null; // the answer shown, in full
  let chosen = []; // the comment ids given to it
  let onlyUngraded = false;
  const view = {};

  function node(tag, props = {}, ...children) {
    const element = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === "class") element.className = value;
      else if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
      else if (key in element) element[key] = value;
      else element.setAttribute(key, value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) {
        element.append(typeof child === "string" ? document.createTextNode(child) : child);
      }
    }
    return element;
  }

  async function api(method, path, body) {
    const headers = { "X-Review-Token": token };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, data: await response.json() };
  }

  function status(text, kind = "") {
    view.status.textContent = text;
    view.status.className = "status " + kind;
  }

  function shown(entry) {
    return !onlyUngraded || entry.state !== "scored" || entry.index === at;
  }

  function step(direction) {
    const items = summary.items;
    for (let i = wanted + direction; i >= 0 && i < items.length; i += direction) {
      if (shown(items[i])) return open(i);
    }
    if (onlyUngraded && summary.left === 0) status(words.all_done, "ok");
  }

  function buildShell() {
    view.left = node("span", { class: "left" });
    view.filter = node("input", {
      type: "checkbox",
      id: "only-ungraded",
      onchange: () => {
        onlyUngraded = view.filter.checked;
        if (onlyUngraded && summary.items[at].state === "scored") step(1);
      },
    });
    const header = node(
      "header",
      {},
      node("h1", {}, `${words.title}: ${summary.assignment}`),
      view.left,
      node("label", {}, view.filter, " ", words.ungraded),
      node("button", { type: "button", id: "previous", onclick: () => step(-1) }, words.previous),
      node("button", { type: "button", id: "next", onclick: () => step(1) }, words.next),
      node("div", { class: "keys" }, words.keys),
    );
    view.answer = node("section", { class: "answer", "aria-live": "polite" });
    view.side = node("section", { class: "side" });
    document.body.append(header, node("main", {}, view.answer, view.side));
  }

  function renderCount() {
    if (!view.left) return;
    view.left.textContent = fill(words.left, { left: summary.left, total: summary.items.length });
    view.left.id = "left";
  }

  function blockLabel(block) {
    const names = { output: words.output, figure: words.figure, comment: words.comment_block };
    return block.cell === null ? "" : fill(names[block.kind] || words.cell, { cell: block.cell });
  }

  function renderAnswer() {
    const a = item.answer;
    const parts = [
      node("h2", {}, `${item.question.id}: ${item.question.title}`),
      node("div", { class: "who", id: "who" }, item.label),
      node("div", { class: "check" }, `${item.check.title} (${fill(words.of, { points: item.check.points })})`),
    ];
    if (item.mark && item.mark.state === "flagged") {
      parts.push(node("p", { class: "notice", id: "flagged" }, words.flagged));
    }
    if (!a.found) parts.push(node("p", { class: "notice", id: "not-found" }, words.not_found));
    if (a.where) parts.push(node("p", { class: "who" }, a.where));
    for (const block of a.blocks) {
      const content =
        block.kind === "figure"
          ? node("img", { src: "data:image/png;base64," + block.text, alt: blockLabel(block) })
          : node("pre", {}, block.text);
      parts.push(node("div", { class: "block " + block.kind }, node("div", { class: "label" }, blockLabel(block)), content));
    }
    view.answer.replaceChildren(...parts);
  }

  function renderSide() {
    view.score = node("input", {
      type: "number",
      id: "score",
      min: "0",
      max: String(item.check.points),
      step: "0.5",
      value: item.mark ? String(item.mark.points) : "",
      "aria-label": words.score,
      onkeydown: (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          save(Number(view.score.value));
        }
      },
      onchange: () => view.score.value !== "" && save(Number(view.score.value)),
    });
    view.status = node("div", { class: "status", id: "status", role: "status" });
    view.comments = node("ul", { class: "comments", id: "comments" });
    view.newComment = node("input", {
      type: "text",
      class: "new-comment",
      id: "new-comment",
      placeholder: words.new_comment,
      onkeydown: (event) => {
        if (event.key === "Enter" && view.newComment.value.trim()) {
          event.preventDefault();
          addComment(view.newComment.value);
        }
      },
    });
    const recovered = item.check.recovered.length
      ? [node("h2", {}, words.recovered), node("ul", { id: "recovered" }, ...item.check.recovered.map((line) => node("li", {}, line)))]
      : [];
    view.side.replaceChildren(
      node("h2", {}, words.prompt),
      node("p", { class: "prompt", id: "prompt" }, item.check.prompt),
      ...recovered,
      node("div", { class: "score" }, node("label", { for: "score" }, words.score), view.score,
        node("span", {}, fill(words.of, { points: item.check.points }))),
      view.status,
      node("h2", {}, words.comments),
      view.comments,
      view.newComment,
    );
    renderComments();
    const state = item.mark ? item.mark.state : "pending";
    status(words[state] || "", state === "scored" ? "ok" : "");
  }

  function renderComments() {
    view.comments.replaceChildren(
      ...item.comments.map((comment, position) =>
        node(
          "li",
          {},
          node("input", {
            type: "checkbox",
            id: `comment-${comment.id}`,
            checked: chosen.includes(comment.id),
            onchange: () => toggleComment(comment.id),
          }),
          node("span", {}, (position < 9 ? `${position + 1}. ` : "") + comment.text),
          node("button", { type: "button", onclick: () => editComment(comment) }, words.edit),
        ),
      ),
    );
  }

  async function open(index) {
    wanted = index;
    const { status: code, data } = await api("GET", `/api/items/${index}`);
    if (index !== wanted) return; // another answer was asked for meanwhile
    if (code !== 200) return status(fill(words.failed, { error: data.error }), "bad");
    at = index;
    item = data;
    chosen = item.mark ? [...item.mark.comments] : [];
    history.replaceState(null, "", `#${index}`);
    renderAnswer();
    renderSide();
  }

  async function refresh() {
    const { data } = await api("GET", "/api/items");
    summary = data;
    renderCount();
  }

  async function save(points) {
    if (!(points >= 0 && points <= item.check.points)) {
      return status(fill(words.failed, { error: `0 – ${item.check.points}` }), "bad");
    }
    status(words.saving);
    const body = {
      index: item.index,
      points,
      comments: chosen,
      version: item.mark ? item.mark.version : 0,
    };
    const { status: code, data } = await api("POST", "/api/marks", body);
    await refresh(); // the count left, before the page says how the save went
    if (code === 200) {
      item.mark = data.mark;
      view.score.value = String(data.mark.points);
      status(words.saved, "ok");
    } else if (code === 409) {
      item.mark = data.mark;
      chosen = data.mark ? [...data.mark.comments] : [];
      view.score.value = data.mark ? String(data.mark.points) : "";
      renderComments();
      status(words.conflict, "bad");
    } else {
      status(fill(words.failed, { error: data.error }), "bad");
    }
  }

  function saveComments() {
    if (item.mark) return save(item.mark.points);
    if (view.score.value !== "") return save(Number(view.score.value));
    status(words.needs_score);
  }

  function toggleComment(id) {
    chosen = chosen.includes(id) ? chosen.filter((c) => c !== id) : [...chosen, id];
    renderComments();
    saveComments();
  }

  async function addComment(text) {
    const { status: code, data } = await api("POST", "/api/comments", { index: item.index, text });
    if (code !== 200) return status(fill(words.failed, { error: data.error }), "bad");
    if (!item.comments.some((c) => c.id === data.id)) item.comments.push(data);
    if (!chosen.includes(data.id)) chosen.push(data.id);
    view.newComment.value = "";
    renderComments();
    saveComments();
  }

  async function editComment(comment) {
    const text = window.prompt(words.edit_prompt, comment.text);
    if (text === null || !text.trim()) return;
    const { status: code, data } = await api("POST", `/api/comments/${comment.id}`, { text });
    if (code !== 200) return status(fill(words.failed, { error: data.error }), "bad");
    comment.text = data.text;
    renderComments();
  }

  document.addEventListener("keydown", (event) => {
    const typing = ["INPUT", "TEXTAREA"].includes(event.target.tagName) && event.target.type !== "checkbox";
    if (event.key === "Escape" && typing) return event.target.blur();
    if (typing || event.ctrlKey || event.metaKey || event.altKey || !item) return;
    const digit = /^Digit([0-9])$/.exec(event.code);
    if (digit && wanted !== at) {
      status(words.loading); // never a score for the answer being left
    } else if (digit && event.shiftKey) {
      const comment = item.comments[Number(digit[1]) - 1];
      if (comment) toggleComment(comment.id);
    } else if (digit) {
      view.score.value = digit[1];
      save(Number(digit[1]));
    } else if (event.key === "ArrowRight" || event.key === "j") {
      step(1);
    } else if (event.key === "ArrowLeft" || event.key === "k") {
      step(-1);
    } else if (event.key === "c") {
      view.newComment.focus();
    } else if (event.key === "u") {
      view.filter.checked = !view.filter.checked;
      view.filter.dispatchEvent(new Event("change"));
    } else {
      return;
    }
    event.preventDefault();
  });

  window.addEventListener("hashchange", () => {
    const index = Number(location.hash.slice(1));
    if (summary && Number.isInteger(index) && index !== wanted && summary.items[index]) open(index);
  });

  (async () => {
    await refresh();
    buildShell();
    renderCount();
    if (!summary.items.length) {
      view.answer.replaceChildren(node("p", {}, words.nothing));
      return;
    }
    const wanted = Number(location.hash.slice(1));
    await open(Number.isInteger(wanted) && wanted >= 0 && wanted < summary.items.length ? wanted : 0);
  })();
})();
