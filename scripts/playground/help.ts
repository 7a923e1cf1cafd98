/** What `help` prints in the playground. */
export const playgroundHelp = `Playground commands (you are @alice unless you say otherwise):
  /acr …  /aci …  /sp …  /ops …     a slash command, as the current user (/ops help lists them; /sp is for admins)
  as bob|carol|admin|alice <line>   one line as someone else, e.g. "as admin /sp expiring"
  as bob|carol|admin|alice          become that user for the lines that follow
  click cancel|approve|reject [why]|confirm|dismiss|rollback|replace
                                    press that button on the newest card that has it
  click share                       share the newest private answer in #dev
  home                              open the App Home and print what the bot published for you
  metrics                           the five metrics that matter (README "Operating it"), from GET /metrics
  scan                              run the scheduled credential scan now (its alert goes to #dev)
  help                              this list
  quit                              wait for running lookups and queued cards, then stop`;
