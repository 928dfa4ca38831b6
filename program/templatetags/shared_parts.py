"""Parts of a page the same for every visitor of an edition in a language: the layout's header and
footer, the edition's name, an item's or a day's line in a person's summary."""

from django import template

from program.selectors import shared_part_html

register = template.Library()


@register.tag
def shared_part(parser, token):
    """`{% shared_part "name" [key] %}…{% endshared_part %}`: the part rendered once per edition,
    language and key (an item's id, say) and held by the process
    (`program.selectors.shared_part_html`). Only for what shows nothing but the edition (`edition`
    in the context), the thing the key names and the language: nothing of the request, the visitor
    or a form."""
    bits = token.split_contents()
    if len(bits) not in (2, 3) or bits[1][0] not in "\"'":
        raise template.TemplateSyntaxError("shared_part takes a quoted name and, optionally, a key")
    nodelist = parser.parse(("endshared_part",))
    parser.delete_first_token()
    key = parser.compile_filter(bits[2]) if len(bits) == 3 else None
    return SharedPartNode(bits[1][1:-1], key, nodelist)


class SharedPartNode(template.Node):
    def __init__(self, name: str, key, nodelist):
        self.name, self.key, self.nodelist = name, key, nodelist

    def render(self, context) -> str:
        name = self.name if self.key is None else f"{self.name}:{self.key.resolve(context)}"
        return shared_part_html(name, context.get("edition"), lambda: self.nodelist.render(context))
