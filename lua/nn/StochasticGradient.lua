-- nn.StochasticGradient(module, criterion): Torch7's plain SGD trainer. train(dataset)
-- loops maxIteration times (0: forever) over dataset (dataset:size() examples, dataset[i]
-- = {input, target}), in a random order when shuffleIndices, updating the module after
-- each example with accUpdateGradParameters at learningRate / (1 + epoch *
-- learningRateDecay). Fields: learningRate (0.01), learningRateDecay (0), maxIteration
-- (25), shuffleIndices (true), verbose (true: prints the error of each epoch), and the
-- hooks hookExample(self, example) and hookIteration(self, iteration, currentError).
-- train returns the average error of the last epoch.
local nn = require 'nn'

local StochasticGradient = torch.class('nn.StochasticGradient')

function StochasticGradient:__init(module, criterion)
   if type(module) ~= 'table' or not torch.isTypeOf(module, 'nn.Module') then
      torch._error('nn.StochasticGradient: expected an nn.Module, got ' .. torch.type(module))
   end
   if type(criterion) ~= 'table' or not torch.isTypeOf(criterion, 'nn.Criterion') then
      torch._error('nn.StochasticGradient: expected an nn.Criterion, got ' .. torch.type(criterion))
   end
   self.learningRate = 0.01
   self.learningRateDecay = 0
   self.maxIteration = 25
   self.shuffleIndices = true
   self.module = module
   self.criterion = criterion
   self.verbose = true
end

function StochasticGradient:train(dataset)
   if type(dataset) ~= 'table' or type(dataset.size) ~= 'function' then
      torch._error('nn.StochasticGradient: train expects a dataset with a size() method, got '
                   .. torch.type(dataset))
   end
   local n = dataset:size()
   local iteration = 1
   local lr = self.learningRate
   local module, criterion = self.module, self.criterion
   local order = self.shuffleIndices and torch.randperm(n):long() or torch.range(1, n):long()
   if self.verbose then print('# StochasticGradient: training') end
   local currentError
   while true do
      currentError = 0
      for t = 1, n do
         local example = dataset[order[t]]
         local input, target = example[1], example[2]
         currentError = currentError + criterion:forward(module:forward(input), target)
         module:updateGradInput(input, criterion:updateGradInput(module.output, target))
         module:accUpdateGradParameters(input, criterion.gradInput, lr)
         if self.hookExample then self.hookExample(self, example) end
      end
      currentError = currentError / n
      if self.hookIteration then self.hookIteration(self, iteration, currentError) end
      if self.verbose then print('# current error = ' .. currentError) end
      iteration = iteration + 1
      lr = self.learningRate / (1 + iteration * self.learningRateDecay)
      if self.maxIteration > 0 and iteration > self.maxIteration then
         if self.verbose then
            print('# StochasticGradient: you have reached the maximum number of iterations')
            print('# training error = ' .. currentError)
         end
         break
      end
   end
   return currentError
end

return StochasticGradient
