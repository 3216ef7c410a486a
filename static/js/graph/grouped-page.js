// The page's part of groups: opening and closing boxes (groups.js), the player stepping over
// closed ones (player.js runs), the camera's extent growing with open panels (zoom.js), and
// the search (search.js). `app`: main.js's App (its view, zoom, player, urls and source).
import {$} from "../lib/dom.js";
import {fetchSvg} from "./api.js";
import {GroupDrawing} from "./groups.js";
import {GraphSearch} from "./search.js";

export class GroupedPage {
  constructor(app) {
    this.app = app;
    this.groups = new GroupDrawing({
      view: app.view,
      fetchGroup: (group) => fetchSvg(app.urls, app.source, {...app.drawingOptions(),
        direction: app.view.svg?.dataset.direction ?? "LR", group}),
      onChange: (opened) => this.changed(opened),
    });
    app.view.onMarked = (k, ids) => this.groups.markStep(k, ids);
    this.search = new GraphSearch({
      form: $("graph-search"), input: $("search-input"), status: $("search-status"),
      view: app.view, groups: this.groups, zoom: app.zoom,
    });
  }

  // A new drawing of `index` (null: none) is on show, all its groups closed.
  load(index, svg) {
    this.groups.load(index, svg);
    if (index) index.collapsed = this.groups;
    this.search.load(index, this.groups.grouped);
    this.app.player.runs = this.groups.grouped ? this.groups.steps : null;
  }

  // The same graph drawn again (theme, language): the groups that were open open again.
  async reload(svg) {
    const open = [...this.groups.open.keys()];
    this.load(this.app.index, svg);
    this.app.player.setRuns(this.app.player.runs);
    for (const group of open) await this.groups.expand(group);
  }

  // The camera shows a group just opened; the player's steps follow what is drawn.
  changed(opened) {
    const {zoom, player, view} = this.app;
    zoom.extend(this.groups.extent(zoom.base));
    const box = opened && this.groups.panelBox(opened);
    if (box) zoom.reveal(box, view.svg?.dataset.direction === "TB");
    player.setRuns(this.groups.grouped ? this.groups.steps : null);
  }
}
