-- nngraph.JustElement(): the only element of a one-element table (what node:split(1)
-- makes). gradInput is {gradOutput}.
local JustElement, parent = torch.class('nngraph.JustElement', 'nn.Module')

function JustElement:__init()
   parent.__init(self)
   self.gradInput = {}
end

function JustElement:updateOutput(input)
   if type(input) ~= 'table' or torch.typename(input) or #input ~= 1 then
      self:_error('expected a table of one element, got %s', torch.isTensor(input) and input:type()
                  or type(input) == 'table' and ('a table of ' .. #input) or torch.type(input))
   end
   self.output = input[1]
   return self.output
end

function JustElement:updateGradInput(input, gradOutput)
   self.gradInput = {gradOutput}
   return self.gradInput
end

return JustElement
