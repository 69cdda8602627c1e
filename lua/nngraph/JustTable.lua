-- nngraph.JustTable(): wraps its input in a table of one element, {input} (what
-- nngraph.nest makes of a list of one node). gradInput is gradOutput[1].
local JustTable, parent = torch.class('nngraph.JustTable', 'nn.Module')

function JustTable:__init()
   parent.__init(self)
   self.output = {}
end

function JustTable:updateOutput(input)
   self.output = {input}
   return self.output
end

function JustTable:updateGradInput(input, gradOutput)
   self.gradInput = gradOutput[1]
   return self.gradInput
end

return JustTable
