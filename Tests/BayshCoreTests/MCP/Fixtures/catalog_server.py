"""An MCP server (PyPI `mcp` 2.x) with a catalog beside its tools, for baysh's resource and prompt tests: resources
(text and binary), a resource template `notes://{name}`, prompts with required and optional arguments (one answering
with an embedded resource and an image), and completions for the template's variable and a prompt argument.

    catalog_server.py stdio                 serve over stdio
    catalog_server.py http [--json]         serve streamable HTTP on 127.0.0.1 (a free port, printed first on
                                            stdout as "PORT <n>"); SSE answers unless --json
"""
import base64

from typing import Annotated

from mcp.server.mcpserver import Context, Elicit, MCPServer, Resolve
from mcp.server.mcpserver.prompts.base import Prompt
from mcp.server.mcpserver.resources import TextResource
from mcp.server.mcpserver.prompts.base import AssistantMessage, UserMessage
from pydantic import BaseModel, Field
from mcp.types import (
    Completion,
    EmbeddedResource,
    ImageContent,
    PromptReference,
    ResourceTemplateReference,
    TextResourceContents,
)

server = MCPServer("catalog")

NOTES = {"milk": "buy two litres of milk", "mail": "answer the landlord", "music": "practise scales"}
# A 1x1 PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


@server.tool()
def echo(text: str) -> str:
    """Echoes text back (so the server has a tool too)."""
    return text


class Amount(BaseModel):
    litres: int = Field(description="how many litres")


def ask_amount() -> Elicit[Amount]:
    return Elicit("How much milk?", Amount)


@server.tool()
def buy_milk(amount: Annotated[Amount, Resolve(ask_amount)]) -> str:
    """Asks how much milk to buy (elicitation: a standalone request in 2025, an input-required result in 2026)."""
    return f"buying {amount.litres} litres"


@server.tool()
async def add_page(name: str, ctx: Context) -> str:
    """Adds the resource `docs://NAME` and the prompt `about_NAME`, and says both lists changed (in each era)."""
    server.add_resource(TextResource(uri=f"docs://{name}", name=name, text=f"page {name}", mime_type="text/plain"))
    server.add_prompt(Prompt.from_function(lambda: f"Tell me about {name}.", name=f"about_{name}",
                                           description=f"Asks about {name}"))
    await ctx.session.send_resource_list_changed()
    await ctx.session.send_prompt_list_changed()
    await ctx.notify_resources_changed()
    await ctx.notify_prompts_changed()
    return f"added {name}"


@server.resource("docs://readme", name="readme", description="The project's readme", mime_type="text/markdown")
def readme() -> str:
    return "# Catalog\nA server with resources."


@server.resource("data://pixel.png", name="pixel", description="A tiny picture", mime_type="image/png")
def pixel() -> bytes:
    return PIXEL


@server.resource("notes://{name}", name="note", description="A note by name", mime_type="text/plain")
def note(name: str) -> str:
    if name not in NOTES:
        raise ValueError(f"no note named {name}")
    return NOTES[name]


@server.prompt(description="Asks for a review of some code")
def review(code: str, language: str = "python") -> str:
    return f"Please review this {language} code:\n{code}"


@server.prompt(description="A short exchange with an attachment")
def show_note(name: str) -> list:
    return [
        UserMessage(f"What does note {name} say?"),
        AssistantMessage(EmbeddedResource(
            type="resource",
            resource=TextResourceContents(uri=f"notes://{name}", mime_type="text/plain", text=NOTES.get(name, "?")))),
        AssistantMessage(ImageContent(type="image", data=base64.b64encode(PIXEL).decode(), mime_type="image/png")),
    ]


@server.completion()
async def complete(ref, argument, context):
    if isinstance(ref, ResourceTemplateReference) and argument.name == "name":
        return Completion(values=[n for n in sorted(NOTES) if n.startswith(argument.value)])
    if isinstance(ref, PromptReference) and argument.name == "language":
        return Completion(values=[v for v in ["python", "perl", "swift"] if v.startswith(argument.value)])
    return None


if __name__ == "__main__":
    from fixture_http import main

    main(server)
