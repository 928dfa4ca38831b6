"""The site layout's parts that are the same on every page of an edition in a language."""

from django import template

from program.selectors import layout_part_html

register = template.Library()


@register.tag
def layout_part(parser, token):
    """`{% layout_part "name" %}…{% endlayout_part %}`: the part rendered once per edition and
    language and held by the process (`program.selectors.layout_part_html`). Only for what shows
    nothing but the edition (`edition` in the context) and the language: nothing of the request,
    the visitor or a form."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'":
        raise template.TemplateSyntaxError("layout_part takes one quoted name")
    nodelist = parser.parse(("endlayout_part",))
    parser.delete_first_token()
    return LayoutPartNode(bits[1][1:-1], nodelist)


class LayoutPartNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context) -> str:
        return layout_part_html(self.name, context.get("edition"), lambda: self.nodelist.render(context))
