// The lecture's programs as a list: the title in the UI language, the other language beneath.
export function renderGallery(list, examples, lang, onChoose) {
  const other = lang === "ja" ? "en" : "ja";
  const items = examples.map((example) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "example";
    button.dataset.example = example.id;
    const main = document.createElement("span");
    main.className = "example-title";
    main.lang = lang;
    main.textContent = example.title[lang];
    const sub = document.createElement("span");
    sub.className = "example-subtitle";
    sub.lang = other;
    sub.textContent = example.title[other];
    button.append(main, sub);
    button.addEventListener("click", () => {
      for (const b of list.querySelectorAll(".example")) b.removeAttribute("aria-current");
      button.setAttribute("aria-current", "true");
      onChoose(example);
    });
    item.append(button);
    return item;
  });
  list.replaceChildren(...items);
}
