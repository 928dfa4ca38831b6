"""Parts of a page the same for every visitor of an edition in a language: the layout's header and
footer, the edition's name, an item's or a day's line in a person's summary."""

from django import template
from django.template.loader_tags import BlockNode

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
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'":
        raise template.TemplateSyntaxError("shared_part takes a quoted name and, optionally, keys")
    nodelist = parser.parse(("endshared_part",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("a shared_part is the same on every page: no {% block %} in it")
    return SharedPartNode(bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist)


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
