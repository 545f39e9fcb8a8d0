// The library's search page: runs Pagefind queries from the form the page
// already carries (search words + one fieldset of checkboxes per facet).
//
// Rules: AND across facets, OR within one. Each facet's counts are computed
// with that facet's own choices left out, so a count tells what ticking the
// box would add. The query and the ticked boxes live in the URL (?q=…&capacity=…),
// so a view can be shared, and back/forward step through earlier views.
// Every text shown here comes from the page (labels.yml via data-labels), and
// text from the index is only ever inserted as text, never as HTML.

const RESULTS_PER_BATCH = 10;
// A PDF page's text follows an empty heading with this id in its search record
// (bsla/search/records.py): a hit under it is a sub-result for that page.
const PAGE_ANCHOR = /^p(\d+)$/;
const TYPING_DELAY_MS = 300;

const root = document.querySelector("[data-bsla-search]");
if (root) {
  start(root);
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}

async function start(root) {
  const labels = JSON.parse(root.dataset.labels);
  // Every record carries this word: a view with filters but no words searches for
  // it, because a search for nothing makes Pagefind load its whole index.
  const everyWord = root.dataset.everyWord;
  // The most pages of one PDF listed under its result (bsla.indexed_text.PAGES_PER_WORD).
  const pdfPagesShown = Number(root.dataset.pdfPages) || 0;
  const searchForm = root.querySelector("[data-search-form]");
  const input = searchForm.querySelector("input[name=q]");
  const facetsForm = root.querySelector("[data-facets]");
  const status = root.querySelector("[data-status]");
  const relax = root.querySelector("[data-relax]");
  const list = root.querySelector("[data-results]");
  const more = root.querySelector("[data-more]");
  const clear = root.querySelector("[data-clear]");
  const heading = root.querySelector("#bsla-results-heading");
  const layout = root.querySelector("[data-filters]");
  const filtersToggle = root.querySelector("[data-filters-toggle]");
  const groups = [...facetsForm.querySelectorAll("details[data-facet]")];
  const facetIds = groups.map((group) => group.dataset.facet);
  const boxes = (facet) => [...facetsForm.querySelectorAll(`input[type=checkbox][name="${facet}"]`)];

  let pagefind;
  try {
    pagefind = await import(new URL(root.dataset.pagefind, document.baseURI).href);
    await pagefind.options({ excerptLength: 30 });
    await pagefind.init();
  } catch (error) {
    status.textContent = labels.search_unavailable;
    console.error(error);
    return;
  }

  let runNumber = 0;
  let results = [];
  let withWords = false;
  let shown = 0;
  let typingTimer = null;
  let typingEntry = false;
  let current = null;
  // A facet's counts need its filter data (about 20-35 KB per facet at 10,000
  // resources), so it is fetched when its group is opened or first used.
  const loading = new Map();
  const loaded = new Set();

  // --- state <-> URL <-> form -------------------------------------------------
  function stateFromUrl() {
    const params = new URLSearchParams(window.location.search);
    const filters = {};
    for (const facet of facetIds) {
      const known = new Set(boxes(facet).map((box) => box.value));
      filters[facet] = params.getAll(facet).filter((value) => known.has(value));
    }
    return { q: (params.get("q") || "").trim(), filters };
  }

  function stateFromForm() {
    const filters = {};
    for (const facet of facetIds) {
      filters[facet] = boxes(facet).filter((box) => box.checked).map((box) => box.value);
    }
    return { q: input.value.trim(), filters };
  }

  function urlOf(state) {
    const params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    for (const facet of facetIds) {
      for (const value of state.filters[facet]) params.append(facet, value);
    }
    const query = params.toString();
    return window.location.pathname + (query ? `?${query}` : "") + window.location.hash;
  }

  function showInForm(state) {
    if (input.value.trim() !== state.q) input.value = state.q;
    for (const facet of facetIds) {
      const chosen = new Set(state.filters[facet]);
      for (const box of boxes(facet)) box.checked = chosen.has(box.value);
    }
    // A group in use is shown open, so its ticked boxes are visible.
    for (const group of groups) {
      if (state.filters[group.dataset.facet].length) group.open = true;
    }
  }

  function commit(mode) {
    const state = stateFromForm();
    const url = urlOf(state);
    const here = window.location.pathname + window.location.search + window.location.hash;
    if (url !== here) {
      if (mode === "push") window.history.pushState(null, "", url);
      else window.history.replaceState(null, "", url);
    }
    return run(state);
  }

  // --- searching ----------------------------------------------------------------
  function pagefindOptions(state, leaveOut) {
    const filters = {};
    for (const facet of facetIds) {
      if (facet !== leaveOut && state.filters[facet].length) {
        filters[facet] = { any: state.filters[facet] };
      }
    }
    // Without words there is no relevance: keep the catalog's own order.
    return state.q ? { filters } : { filters, sort: { order: "asc" } };
  }

  function loadFacet(facet) {
    if (!loading.has(facet)) {
      // A search that names the facet with no values makes Pagefind fetch its data.
      loading.set(facet, pagefind.preload(everyWord, { filters: { [facet]: [] } })
        .then(() => loaded.add(facet)));
    }
    return loading.get(facet);
  }

  async function searchAll(state) {
    const active = facetIds.filter((facet) => state.filters[facet].length);
    const term = state.q || everyWord;
    const main = await pagefind.search(term, pagefindOptions(state, null));
    for (const facet of active) loaded.add(facet);
    const leftOut = {};
    for (const facet of active) {
      leftOut[facet] = await pagefind.search(term, pagefindOptions(state, facet));
    }
    let withoutWords = null;
    if (state.q && main.results.length === 0) {
      withoutWords = await pagefind.search(everyWord, pagefindOptions(state, null));
    }
    return { active, main, leftOut, withoutWords };
  }

  async function run(state) {
    const mine = ++runNumber;
    current = state;
    const slow = window.setTimeout(() => {
      if (mine === runNumber) status.textContent = labels.search_loading;
    }, 400);
    root.setAttribute("aria-busy", "true");
    try {
      const { active, main, leftOut, withoutWords } = await searchAll(state);
      if (mine !== runNumber) return;
      window.clearTimeout(slow);
      showCounts(main, leftOut);
      results = main.results;
      shown = 0;
      list.replaceChildren();
      showStatus(state, active);
      showRelax(state, active, leftOut, withoutWords);
      clear.hidden = active.length === 0;
      showFilterCount(state);
      withWords = Boolean(state.q);
      await showMore(false, mine);
    } finally {
      window.clearTimeout(slow);
      if (mine === runNumber) root.removeAttribute("aria-busy");
    }
  }

  // Counts of a facet whose data is not loaded yet keep their last values; its
  // group is closed, and opening it loads the data and refreshes them.
  function showCounts(main, leftOut) {
    for (const group of groups) {
      const facet = group.dataset.facet;
      if (!loaded.has(facet)) continue;
      group.dataset.counts = "live";
      const counts = (leftOut[facet] || main).filters[facet] || {};
      for (const box of boxes(facet)) {
        const count = counts[box.value] || 0;
        const label = facetsForm.querySelector(`label[for="${box.id}"]`);
        label.querySelector("[data-count]").textContent = `(${count})`;
        label.classList.toggle("bsla-facet__label--empty", count === 0 && !box.checked);
      }
    }
  }

  // The phone layout's "Filters" button says how many values are ticked.
  function showFilterCount(state) {
    const ticked = facetIds.reduce((sum, facet) => sum + state.filters[facet].length, 0);
    filtersToggle.textContent = ticked
      ? fill(filtersToggle.dataset.labelActive, { count: ticked })
      : filtersToggle.dataset.label;
  }

  function showStatus(state, active) {
    const count = results.length;
    if (!state.q && active.length === 0) {
      status.textContent = fill(labels.search_all, { count });
    } else if (count === 0) {
      status.textContent = labels.search_none;
    } else if (count === 1) {
      status.textContent = labels.search_count_one;
    } else {
      status.textContent = fill(labels.search_count, { count });
    }
  }

  function showRelax(state, active, leftOut, withoutWords) {
    relax.replaceChildren();
    relax.hidden = results.length > 0;
    if (relax.hidden) return;
    const intro = document.createElement("p");
    intro.textContent = labels.search_relax_intro;
    const options = document.createElement("ul");
    for (const facet of active) {
      options.append(relaxOption(
        fill(labels.search_relax_facet, {
          facet: labels[`facet_${facet}`], count: leftOut[facet].results.length,
        }),
        () => { for (const box of boxes(facet)) box.checked = false; },
      ));
    }
    if (withoutWords) {
      options.append(relaxOption(
        fill(labels.search_relax_words, { words: state.q, count: withoutWords.results.length }),
        () => { input.value = ""; },
      ));
    }
    relax.append(intro, options);
  }

  function relaxOption(text, change) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "bsla-link-button";
    button.textContent = text;
    button.addEventListener("click", async () => {
      change();
      await commit("push");
      heading.focus();
    });
    item.append(button);
    return item;
  }

  async function showMore(moveFocus, mine = runNumber) {
    const batch = results.slice(shown, shown + RESULTS_PER_BATCH);
    const data = await Promise.all(batch.map((result) => result.data()));
    if (mine !== runNumber) return;
    const items = data.map(resultItem);
    list.append(...items);
    shown += batch.length;
    more.hidden = shown >= results.length;
    if (!more.hidden) {
      more.textContent = `${labels.search_more} (${fill(labels.search_results_shown, { shown, count: results.length })})`;
    }
    if (moveFocus && items.length) items[0].querySelector("a").focus();
  }

  function resultItem(data) {
    const item = document.createElement("li");
    item.className = "bsla-result";
    const title = document.createElement("h3");
    title.className = "bsla-result__title";
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title || data.url;
    // Text with no translation into this page's language says its own (record meta).
    if (data.meta.title_lang) link.lang = data.meta.title_lang;
    title.append(link);
    const meta = document.createElement("p");
    meta.className = "bsla-result__meta";
    meta.textContent = [data.meta.kind, data.meta.place, data.meta.date].filter(Boolean).join(" · ");
    const excerpt = document.createElement("p");
    excerpt.className = "bsla-result__excerpt";
    if (data.meta.summary_lang) excerpt.lang = data.meta.summary_lang;
    const pages = withWords ? pdfPages(data) : [];
    // Without search words there is nothing to highlight: show the summary. With
    // page entries, the words inside the PDF are quoted there; this excerpt quotes
    // the ones in the title, summary or keywords, if any, else shows the summary.
    if (!withWords) excerpt.textContent = data.meta.summary || "";
    else if (!pages.length) excerpt.append(...excerptNodes(data.excerpt || ""));
    else {
      const outside = (data.sub_results || []).find((sub) => !isPage(sub));
      if (outside) excerpt.append(...excerptNodes(outside.excerpt || ""));
      else excerpt.textContent = data.meta.summary || "";
    }
    item.append(title, meta, excerpt);
    if (pages.length) item.append(pageList(data, pages));
    return item;
  }

  function isPage(sub) {
    return Boolean(sub.anchor && PAGE_ANCHOR.test(sub.anchor.id));
  }

  // The pages of the result's PDF that hold the words, best first: Pagefind's
  // sub-results under the records' page headings. A page scores one for each
  // search word on it, shared among the pages that word is on: a page that holds
  // the words found on few pages comes before the many pages a common word is on.
  // Hits in the title, summary or keywords have no page and stay in the excerpt above.
  function pdfPages(data) {
    if (!data.meta.pdf || !pdfPagesShown) return [];
    // A location counts words of the content split on white space (Pagefind's own rule).
    const words = (data.content || "").split(/\s+/);
    const wordAt = (location) => (words[location] || "").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
    const pages = (data.sub_results || []).filter(isPage).map((sub) => ({
      page: Number(PAGE_ANCHOR.exec(sub.anchor.id)[1]),
      excerpt: sub.excerpt,
      words: new Set(sub.weighted_locations.map((w) => wordAt(w.location))),
    }));
    const spread = new Map();
    for (const { words: found } of pages) {
      for (const word of found) spread.set(word, (spread.get(word) || 0) + 1);
    }
    for (const page of pages) {
      page.score = [...page.words].reduce((sum, word) => sum + 1 / spread.get(word), 0);
    }
    return pages.sort((a, b) => b.score - a.score || a.page - b.page).slice(0, pdfPagesShown);
  }

  // Each page links straight into the PDF at that page (the #page= open parameter
  // browsers' PDF viewers honour); its name says which PDF, for screen readers.
  function pageList(data, pages) {
    const pdf = new URL(data.meta.pdf, new URL(data.url, document.baseURI));
    const list = document.createElement("ul");
    list.className = "bsla-result__pages";
    list.setAttribute("aria-label", fill(labels.search_pdf_pages, { title: data.meta.title || "" }));
    for (const { page, excerpt } of pages) {
      const entry = document.createElement("li");
      const link = document.createElement("a");
      pdf.hash = `page=${page}`;
      link.href = pdf.href;
      link.textContent = fill(labels.search_pdf_page, { page });
      const which = document.createElement("span");
      which.className = "bsla-visually-hidden";
      which.textContent = ` ${fill(labels.search_pdf_page_of, { title: data.meta.title || "" })}`;
      link.append(which);
      const text = document.createElement("span");
      text.className = "bsla-result__page-excerpt";
      text.append(...excerptNodes(excerpt || ""));
      entry.append(link, " ", text);
      list.append(entry);
    }
    return list;
  }

  // Pagefind escapes the indexed text (which includes text from contributors'
  // PDFs) and wraps matches in <mark>. The excerpt is split on the marks and
  // each piece is decoded in an inert document and inserted as plain text, so
  // nothing in it can ever become markup, whatever the index holds.
  const inert = document.implementation.createHTMLDocument("");
  function decoded(piece) {
    inert.body.innerHTML = piece;
    return inert.body.textContent;
  }

  function excerptNodes(excerpt) {
    const nodes = [];
    let marked = false;
    for (const piece of excerpt.split(/(<mark>|<\/mark>)/)) {
      if (piece === "<mark>") marked = true;
      else if (piece === "</mark>") marked = false;
      else if (piece) {
        // The zero-width spaces are the records' page headings (search_record.html.j2).
        const text = decoded(piece).split(`${everyWord}.`).join("").split(everyWord).join("")
          .replace(/\u200b/g, "");
        if (marked) {
          const mark = document.createElement("mark");
          mark.textContent = text;
          nodes.push(mark);
        } else {
          nodes.push(document.createTextNode(text));
        }
      }
    }
    return nodes;
  }

  // --- events ---------------------------------------------------------------------
  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(typingTimer);
    typingEntry = false;
    commit("push");
  });
  input.addEventListener("input", () => {
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(() => {
      // The first pause of a burst of typing makes a history entry; later ones update it.
      commit(typingEntry ? "replace" : "push");
      typingEntry = true;
    }, TYPING_DELAY_MS);
  });
  facetsForm.addEventListener("submit", (event) => event.preventDefault());
  facetsForm.addEventListener("change", () => {
    typingEntry = false;
    commit("push");
  });
  clear.addEventListener("click", () => {
    for (const facet of facetIds) for (const box of boxes(facet)) box.checked = false;
    typingEntry = false;
    commit("push");
    heading.focus();
  });
  more.addEventListener("click", () => showMore(true));
  filtersToggle.addEventListener("click", () => {
    const open = filtersToggle.getAttribute("aria-expanded") !== "true";
    filtersToggle.setAttribute("aria-expanded", String(open));
    layout.dataset.filters = open ? "open" : "closed";
  });
  for (const group of groups) {
    group.addEventListener("toggle", async () => {
      const facet = group.dataset.facet;
      if (!group.open || loaded.has(facet)) return;
      await loadFacet(facet);
      const state = current;
      const mine = runNumber;
      const { main, leftOut } = await searchAll(state);
      if (mine === runNumber) showCounts(main, leftOut);
    });
  }
  window.addEventListener("popstate", () => {
    typingEntry = false;
    const state = stateFromUrl();
    showInForm(state);
    run(state);
  });

  const initial = stateFromUrl();
  showInForm(initial);
  root.classList.add("bsla-search--ready");
  run(initial);
}
