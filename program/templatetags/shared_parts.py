"""Parts of a page the same for every visitor of an edition in a language: the layout's header and
footer, the edition's name, an item's or a day's line in a person's summary; and the language
switch, the same but for the page's path, which each page fills in."""

from django import template
from django.template.defaultfilters import urlencode
from django.template.loader_tags import BlockNode
from django.utils.safestring import mark_safe

from program.selectors import shared_part_html

register = template.Library()


@register.tag
def shared_part(parser, token):
    """`{% shared_part "name" [key …] %}…{% endshared_part %}`: the part rendered once per edition,
    language and keys (an item's id, say, or the state a section shows) and held by the process
    (`program.selectors.shared_part_html`). Only for what shows nothing but the edition (`edition`
    in the context), what the keys name and the language: nothing of the request, the visitor or a
    form. (A private page's links are the same placeholder for everyone until the response: see
    attendees.views.PRIVATE_LINK.)"""
    return SharedPartNode(*_parse_shared_part(parser, token, "endshared_part"))


@register.tag
def shared_part_for_path(parser, token):
    """`{% shared_part_for_path "name" [key …] %}…{{ page_path }}…{% endshared_part_for_path %}`:
    a shared part that links back to the page it is on (the language switch). Rendered once with
    `page_path` standing for the page's path, which each page then fills in, URL-encoded (use it
    as it is, with no filter)."""
    return SharedPartForPathNode(*_parse_shared_part(parser, token, "endshared_part_for_path"))


def _parse_shared_part(parser, token, end: str) -> tuple:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'":
        raise template.TemplateSyntaxError(f"{bits[0]} takes a quoted name and, optionally, keys")
    nodelist = parser.parse((end,))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("a shared_part is the same on every page: no {% block %} in it")
    return bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist


class SharedPartNode(template.Node):
    # Every page that extends the layout walks its whole tree for blocks at each rendering
    # (django.template.loader_tags.ExtendsNode.render); a shared part holds none (refused above),
    # so the walk skips its contents.
    child_nodelists = ()

    def __init__(self, name: str, keys: list, nodelist):
        self.name, self.keys, self.nodelist = name, keys, nodelist

    def render(self, context) -> str:
        name = ":".join([self.name, *(str(key.resolve(context)) for key in self.keys)])
        return shared_part_html(name, context.get("edition"), lambda: self.nodelist.render(context))


# What a part for the path holds until the page's own path replaces it: the path comes URL-encoded
# (a NUL in it as %00), and escaping leaves a NUL as it is.
PAGE_PATH = "\x00page-path\x00"


class SharedPartForPathNode(SharedPartNode):
    def render(self, context) -> str:
        with context.push(page_path=PAGE_PATH):
            html = super().render(context)
        request = context.get("request")
        return mark_safe(html.replace(PAGE_PATH, urlencode(request.path) if request else ""))  # noqa: S308
