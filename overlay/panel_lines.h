/* The panel's lines, drawn again only where they changed. Its text lines are copied onto an
 * opaque background every screen: at 1080p the background's fill and the copies took ~0.3 ms
 * a screen, the copies reading their textures (~0.8 MB) and the screen back from memory.
 * Where the screen keeps its pixels from one screen to the next (headless: the canvas), a line
 * that shows the same text at the same place is already there; only the bands of rows where a
 * line changed (its rows then and now) are filled and drawn again. */
#ifndef NG_PANEL_LINES_H
#define NG_PANEL_LINES_H

#include <SDL.h>
#include <stdbool.h>

#define PANEL_LINES_MAX 32
#define PANEL_LINE_TEXT 160

/* One line: what it shows and where. */
typedef struct {
    int font;             /* the overlay's font index */
    SDL_Color colour;
    int wrap;
    SDL_Rect rect;        /* where it is drawn: x, y and the text's size */
    char s[PANEL_LINE_TEXT];
} panel_item;

typedef struct {
    panel_item now[PANEL_LINES_MAX], shown[PANEL_LINES_MAX];
    int n_now, n_shown;
    bool overflow;        /* this screen had more lines than kept: drawn whole */
    SDL_Rect area;        /* the panel when last drawn; w 0: nothing on the screen to keep */
} panel_lines;

/* Nothing on the screen is the panel's any more (the screen was made again, resized). */
void panel_lines_forget(panel_lines *p);
/* A new screen's lines follow. */
void panel_lines_begin(panel_lines *p);
/* This screen's next line, top to bottom. */
void panel_lines_add(panel_lines *p, int font, SDL_Color colour, int wrap, SDL_Rect rect,
                     const char *s);
/* The bands of the panel (area) to fill and draw again, top to bottom, apart, at most max: the
 * whole area when the screen's pixels are not kept (keep false), the area moved or the lines
 * overflowed; none when nothing changed. Then the screen's lines are the ones shown. */
int panel_lines_damage(panel_lines *p, SDL_Rect area, bool keep, SDL_Rect *bands, int max);
/* Whether line i of this screen lies in band (and so is drawn again with it). */
bool panel_lines_in_band(const panel_lines *p, int i, SDL_Rect band);

#endif
